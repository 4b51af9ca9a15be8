"""Synthetic organisations to load: `small` (the demo the README's accounts sign in to) and `org_scale` (a
laboratory network's size, for benchmarks and scale tests). They sit above the domains they fill (org, auth,
learning, competencies, trackers), which never import them."""
