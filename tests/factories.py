"""factory_boy factories for the test suite."""

import datetime

import factory

from agencies.models import Body, BodyArea, BodyKind, Function, FunctionHolding, Locality, Membership, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"
STATUTORY_START = datetime.date(2013, 4, 1)


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        skip_postgeneration_save = True

    locality = factory.SubFactory(LocalityFactory)
    name = factory.Sequence(lambda n: f"Body {n}")
    kind = BodyKind.COUNCIL
    contact_email = factory.Sequence(lambda n: f"body{n}@example.org")

    @factory.post_generation
    def serves(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        """The body serves the area it is entered in (and any others passed as `serves=[...]`)
        since the statutory start, like the demo's bodies."""
        if create:
            for area in [obj.locality, *(extracted or [])]:
                BodyArea.objects.get_or_create(body=obj, locality=area, defaults={"starts_on": STATUTORY_START})


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


def hold(function_code: str, body: Body, starts_on=STATUTORY_START, locality=None) -> FunctionHolding:
    """The body holds the function in an area (the one it was entered in unless named)."""
    return FunctionHolding.objects.create(
        function=Function.objects.get(code=function_code),
        body=body,
        locality=locality or body.locality,
        starts_on=starts_on,
    )
