"""factory_boy factories for the test suite."""

import datetime

import factory

from agencies.models import Body, BodyKind, Function, FunctionHolding, Locality, Membership, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    locality = factory.SubFactory(LocalityFactory)
    name = factory.Sequence(lambda n: f"Body {n}")
    kind = BodyKind.COUNCIL
    contact_email = factory.Sequence(lambda n: f"body{n}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    body = factory.SubFactory(BodyFactory)
    role = Role.MEMBER


def hold(function_code: str, body: Body, starts_on=datetime.date(2013, 4, 1)) -> FunctionHolding:
    return FunctionHolding.objects.create(
        function=Function.objects.get(code=function_code), body=body, starts_on=starts_on
    )
