"""Every kind of record that can be imported: importing this module registers them."""

from donghanh.imports.kinds import (
    outreach,  # noqa: F401
    people,  # noqa: F401
    providers,  # noqa: F401
    trainees,  # noqa: F401
)
