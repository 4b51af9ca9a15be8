from pydantic import BaseModel


class SearchHitOut(BaseModel):
    kind: str  # role | competency | course | story
    ref: str  # the code or slug
    title: str
    summary: str
    url: str  # the page it is on


class SearchOut(BaseModel):
    query: str
    also_searched: list[str]  # the synonyms the query was expanded with ("blood" -> "phlebotomy")
    total: int
    roles: list[SearchHitOut]
    competencies: list[SearchHitOut]
    courses: list[SearchHitOut]
    stories: list[SearchHitOut]
