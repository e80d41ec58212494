from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import MaxLengthValidator

# Used by allauth's signup form (ACCOUNT_USERNAME_VALIDATORS) and the profile form.
username_validators = [UnicodeUsernameValidator(), MaxLengthValidator(150)]
