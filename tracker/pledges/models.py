"""Pydantic models of the pledge file and the review calendar (the format users write)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    field_validator,
    model_validator,
)

from tracker.pledges.dates import FuzzyDate, parse_fuzzy
from tracker.pledges.values import check_value, reject_control

Fuzzy = Annotated[FuzzyDate, BeforeValidator(parse_fuzzy), PlainSerializer(str, return_type=str)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
# One-line fields end up in e-mail subjects, calendar summaries and table cells: no line breaks.
Line = Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\r\n\u2028\u2029]*$")]
Email = Annotated[str, Field(pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$", max_length=254)]
Framework = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9-]*:[A-Za-z0-9.\-]+$")]

Kind = Literal["number", "percent", "yes-no", "qualitative"]
Direction = Literal["increase", "decrease"]
Method = Literal["auto", "cagr-ratio", "linear"]
# What a catalog entry is: a commitment someone made, a request someone made of another, or an announced event.
EntryKind = Literal["pledge", "request", "event"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_chars(cls, value: object) -> object:
        if isinstance(value, str):
            return reject_control(value)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    reject_control(item)
        return value


class Assumable(_Model):
    """Mixin: `assumed: true` marks a date or value the sources do not state; `reason` says why."""

    assumed: StrictBool = Field(False, description="true when the sources do not state this date or value")
    reason: Text | None = Field(None, description="why the date or value was assumed (required when assumed)")

    @model_validator(mode="after")
    def _reason_given(self) -> Assumable:
        if self.assumed and not self.reason:
            raise ValueError("assumed: true needs a reason")
        return self


class DateSpec(Assumable):
    """A date written as a mapping so it can be marked assumed: `{date: 2026, assumed: true, reason: ...}`."""

    date: Fuzzy


def _date_spec(value: object) -> object:
    if isinstance(value, dict):
        return value
    return {"date": value}


DateField = Annotated[DateSpec, BeforeValidator(_date_spec)]


class Source(_Model):
    """Where a pledge comes from: a seed document or a URL, with a verbatim quote."""

    document: Line | None = Field(None, description="file name of a source document (e.g. a seed text)")
    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)] | None = Field(
        None, description="http(s) address of the source"
    )
    quote: Text = Field(description="the words of the source that state the commitment")

    @model_validator(mode="after")
    def _one_of(self) -> Source:
        if not (self.document or self.url):
            raise ValueError("a source needs a document or a url")
        return self


Value = float | int | StrictBool | str


class Point(Assumable):
    """A value at a date: an indicator's baseline or target."""

    value: Value = Field(description="number, percent, yes/no or a level, per the indicator's kind")
    date: Fuzzy = Field(description="when the value was measured (baseline) or is due (target)")


class Thresholds(_Model):
    """Cut-offs of the ratio of observed to required growth, and of yearly growth without a target."""

    on_track: float | None = Field(None, allow_inf_nan=False, description="ratio at or above which an indicator is on track (default 0.95)")
    needs_acceleration: float | None = Field(None, allow_inf_nan=False, description="ratio at or above which it needs acceleration (default 0.6)")
    growth_on_track: float | None = Field(None, allow_inf_nan=False, description="yearly growth for on-track without a target (default 0.01)")
    growth_regressing: float | None = Field(None, allow_inf_nan=False, description="yearly growth below which it regresses (default -0.01)")


class Indicator(_Model):
    """A measurable sign of progress, shaped like an IATI result indicator."""

    id: Slug
    title: Line
    kind: Kind = Field(description="number | percent | yes-no | qualitative")
    unit: Annotated[str, Field(max_length=80)] | None = None
    direction: Direction = Field("increase", description="increase | decrease: which way is better")
    levels: list[Line] | None = Field(None, description="ordered levels, worst first, for an ordinal qualitative indicator")
    baseline: Point | None = None
    target: Point | None = None
    method: Method = Field("auto", description="auto | cagr-ratio | linear")
    thresholds: Thresholds | None = None
    sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _values_fit_kind(self) -> Indicator:
        for point in (self.baseline, self.target):
            if point is not None:
                check_value(self, point.value)
        self._target_ahead()
        return self

    def _target_ahead(self) -> None:
        """Refuse a target on the wrong side of the baseline: it would make moving away from it look like progress."""
        if self.kind not in ("number", "percent") or self.baseline is None or self.target is None:
            return
        base, goal = check_value(self, self.baseline.value), check_value(self, self.target.value)
        assert isinstance(base, float) and isinstance(goal, float)
        if (self.direction == "increase" and goal < base) or (self.direction == "decrease" and goal > base):
            side = "below" if self.direction == "increase" else "above"
            raise ValueError(f"the target {self.target.value} is {side} the baseline {self.baseline.value}, but the direction is "
                             f"{self.direction}: fix the target, or the direction")




class Milestone(Assumable):
    """A dated step of a pledge; `done` is recorded from the CLI."""

    id: Slug
    title: Line
    due: Fuzzy = Field(description="when the step is due: 2026, 2026-Q1, 2026-05 or 2026-05-17")
    sources: list[Source] = Field(default_factory=list)


class Reminders(_Model):
    """Per-pledge override of the reminder lead times in tracker.toml."""

    before_days: list[Annotated[int, Field(ge=0, le=3650)]] | None = None
    overdue_every_days: Annotated[int, Field(ge=1, le=365)] | None = None
    escalate_after_days: Annotated[int, Field(ge=0, le=3650)] | None = None


class Pledge(_Model):
    """One commitment, read from `pledges/<id>.yaml` (the id is the file stem)."""

    id: Slug
    kind: EntryKind = Field("pledge", description="pledge (a commitment) | request (one party asked another) | event (an announced meeting)")
    title: Line
    summary: Annotated[str, Field(max_length=10000)] | None = None
    owner: Line = Field(description="who is responsible; for a request, the party asked")
    requested_by: Line | None = Field(None, description="for a request: who asked")
    contacts: list[Email] = Field(default_factory=list)
    escalation: list[Email] = Field(default_factory=list)
    partners: list[Line] = Field(default_factory=list)
    frameworks: list[Framework] = Field(default_factory=list)
    start: DateField | None = None
    due: DateField
    reviews: list[Slug] = Field(default_factory=list)
    report_every_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    sources: list[Source] = Field(min_length=1)
    milestones: list[Milestone] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    reminders: Reminders | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Pledge:
        for name, items in (("milestone", self.milestones), ("indicator", self.indicators)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"duplicate {name} id {item.id!r}")
                seen.add(item.id)
        if self.start and self.start.date.start > self.due.date.end:
            raise ValueError(f"start {self.start.date} is after due {self.due.date}")
        if (self.kind == "request") != (self.requested_by is not None):
            raise ValueError("a request names who asked (requested_by), and only a request does")
        return self

    def milestone(self, milestone_id: str) -> Milestone | None:
        """Return the milestone with this id, if any."""
        return next((m for m in self.milestones if m.id == milestone_id), None)

    def indicator(self, indicator_id: str) -> Indicator | None:
        """Return the indicator with this id, if any."""
        return next((i for i in self.indicators if i.id == indicator_id), None)


class ReviewRound(BaseModel):
    """A reporting round the monitoring tick opens before each occurrence of a review."""

    model_config = ConfigDict(extra="forbid")

    open_days_before: Annotated[int, Field(ge=1, le=3650)]
    due_days_before: Annotated[int, Field(ge=0, le=3650)]

    @model_validator(mode="after")
    def _due_after_open(self) -> ReviewRound:
        if self.due_days_before >= self.open_days_before:
            raise ValueError("a round is due after it opens: due_days_before must be less than open_days_before")
        return self


class Review(Assumable):
    """A dated event pledges are examined at; `every_years` makes it recur from `first`."""

    id: Slug
    title: Line
    first: Fuzzy
    every_years: Annotated[int, Field(ge=1, le=50)] | None = None
    round: ReviewRound | None = None
    sources: list[Source] = Field(default_factory=list)
