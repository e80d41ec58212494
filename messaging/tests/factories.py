import factory

from accounts.tests.factories import UserFactory
from messaging.models import Message


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    sender = factory.SubFactory(UserFactory)
    recipient = factory.SubFactory(UserFactory)
    body = factory.Faker("sentence", nb_words=8)
