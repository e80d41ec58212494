from kombu.exceptions import OperationalError

# What publishing a task raises when the broker is down, refused or hung. Callers
# catch exactly these, so a bug inside an eagerly run task still surfaces.
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError)
