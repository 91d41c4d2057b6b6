from datetime import date

from ninja import Schema
from pydantic import Field, HttpUrl, StrictInt, model_validator

from rung.profiles.models import RemotePreference


class WindowSchema(Schema):
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _ordered(self) -> "WindowSchema":
        if self.ends_on < self.starts_on:
            raise ValueError("an availability window must end on or after the day it starts")
        return self


class SkillOut(Schema):
    slug: str
    name: str
    curated: bool


class ProfileIn(Schema):
    headline: str = Field("", max_length=140)
    bio: str = Field("", max_length=2000)
    hours_per_week: StrictInt | None = Field(None, ge=1, le=60)
    timezone: str = Field("", max_length=64, description="An IANA time zone such as Europe/London")
    location: str = Field("", max_length=120)
    remote_preference: RemotePreference = RemotePreference.ANY
    institution: str = Field("", max_length=150)
    programme: str = Field("", max_length=150)
    expected_graduation: date | None = None
    links: list[HttpUrl] = Field(default_factory=list, max_length=10)
    skills: list[str] = Field(default_factory=list, description="Slugs from the skill vocabulary")
    other_skills: list[str] = Field(default_factory=list, description="Skills not in the vocabulary")
    windows: list[WindowSchema] = Field(default_factory=list, max_length=12)


class CompletenessOut(Schema):
    percent: int
    missing: list[str]


class ProfileOut(Schema):
    headline: str
    bio: str
    hours_per_week: int | None
    timezone: str
    location: str
    remote_preference: str
    institution: str
    programme: str
    expected_graduation: date | None
    links: list[str]
    skills: list[SkillOut]
    windows: list[WindowSchema]
    completeness: CompletenessOut
