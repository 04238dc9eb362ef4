"""The age groups a de-identified record keeps in place of a date of birth."""

from __future__ import annotations

# Age groups kept after de-identification (lower bound, label); the record keeps the lower
# bound as its estimated age, so minors stay minors and adults adults in every count.
AGE_GROUPS: tuple[tuple[int, str], ...] = (
    (60, "60+"),
    (50, "50-59"),
    (35, "35-49"),
    (25, "25-34"),
    (18, "18-24"),
    (16, "16-17"),
    (12, "12-15"),
    (6, "6-11"),
    (0, "0-5"),
)


def age_group(age: int | None) -> tuple[int | None, str]:
    """The lower bound and label of the age group of `age` (None, "" when not known)."""
    if age is None:
        return None, ""
    for lower, label in AGE_GROUPS:
        if age >= lower:
            return lower, label
    return None, ""
