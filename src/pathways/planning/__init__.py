# Course planning: the shortest course plan to one or more target roles, and its readiness date.
# Pure functions over plain data (model.py); the entry point is planner.plan_for.
