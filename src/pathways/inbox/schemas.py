import datetime as dt

from pydantic import BaseModel, ConfigDict


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    message: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxOut(BaseModel):
    unread: int
    notifications: list[NotificationOut]
