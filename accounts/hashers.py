from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum: 19 MiB of memory, 2 passes, 1 lane.

    Django's defaults (100 MiB, 8 lanes) cost each login about 0.2 s of CPU and 100 MiB
    here; on a 2-core server with threaded workers a burst of logins then held every
    core and hundreds of MiB, and page views waited behind them (issue 21's load test).
    Hashes made with other parameters still verify, and are redone with these at the
    member's next login (Django's must_update)."""

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
