"""Users, role grants with scope, and the one policy module deciding every permission."""
