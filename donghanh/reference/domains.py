"""Service domains: the kinds of help a person may need and a provider may offer.

Defined once, here, for the whole platform: the directory says which domains a provider serves,
and case management records needs and referrals in the same domains, so a referral can offer the
providers that serve a need. A code list of the `reference` app: it imports nothing from any other
app, so any app may import it.

The domains follow the support regimes of Art. 37 of Law 53/2024/QH15 (see
`ART_37_REGIMES`) plus the information a hotline gives. To add a domain: add a member below
(the value is stored, so never rename one), translate its label in
donghanh/reference/locale/vi, and map any Art. 37 regime that belongs to it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceDomain(models.TextChoices):
    ESSENTIAL_NEEDS = "essential_needs", _("Essential needs")
    HEALTH = "health", _("Health care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    LEGAL = "legal", _("Legal information and legal aid")
    EDUCATION = "education", _("Education")
    VOCATIONAL = "vocational", _("Vocational training, jobs and livelihood")
    SHELTER = "shelter", _("Shelter")
    SAFETY = "safety", _("Safety and protection")
    TRAVEL = "travel", _("Travel and return home")
    DOCUMENTS = "documents", _("Identity and travel documents")
    HOTLINE = "hotline", _("Hotline and information")


# The support regimes of Art. 37 of Law 53/2024/QH15, by the letter the law gives them, and the
# domain whose providers deliver each one. Regime c (interpretation) is not a domain: it is
# found through a provider's languages and whether it works with interpreters.
ART_37_REGIMES: dict[str, ServiceDomain] = {
    "a": ServiceDomain.ESSENTIAL_NEEDS,  # essential needs
    "b": ServiceDomain.HEALTH,  # medical support
    "d": ServiceDomain.LEGAL,  # legal information
    "đ": ServiceDomain.LEGAL,  # legal aid
    "e": ServiceDomain.TRAVEL,  # travel costs
    "g": ServiceDomain.PSYCHOLOGICAL,  # psychological support
    "h": ServiceDomain.EDUCATION,  # general schooling
    "i": ServiceDomain.VOCATIONAL,  # vocational training, counselling, job placement
    "k": ServiceDomain.VOCATIONAL,  # initial hardship allowance and loans
}
