from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field


class ApplyIn(Schema):
    project: UUID
    answers: list[str] = Field(default_factory=list, max_length=3)
    note: str = Field("", max_length=1500)


class ApplicationOut(Schema):
    uuid: UUID
    project: UUID
    project_title: str
    status: str
    answers: list[str]
    availability_clash: bool
    message: str
    offer_expires_at: datetime | None
    created_at: datetime


class MessageIn(Schema):
    message: str = Field("", max_length=2000)


class ApplicantOut(Schema):
    uuid: str
    label: str
    revealed: bool
    name: str | None
    email: str | None
    institution: str | None
    headline: str
    skills: list[str]
    answers: list[tuple[str, str]]
    availability_clash: bool
    status: str
    prior_work: list[str]
    bio: str
    links: list[str]
    hours_per_week: int | None
    availability: list[str]
    photo_url: str = Field(description="Empty until the candidate is shortlisted, or when they have no photo")
    private_notes: list["NoteOut"]


class NoteIn(Schema):
    body: str = Field(min_length=1, max_length=2000)


class NoteOut(Schema):
    author: str
    body: str
    created_at: datetime


class ApplicantPageOut(Schema):
    items: list[ApplicantOut]
    count: int
    page: int
    pages: int


ApplicantOut.model_rebuild()
