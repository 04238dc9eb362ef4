from __future__ import annotations

from typing import Any

from django import template

from donghanh.directory import contacts
from donghanh.directory.models import ContactChannel

register = template.Library()


@register.filter
def tel_href(value: str) -> str:
    return contacts.tel_href(value)


@register.filter
def zalo_href(value: str) -> str:
    return contacts.zalo_href(value)


@register.inclusion_tag("directory/includes/contact.html")
def contact_link(contact: ContactChannel) -> dict[str, Any]:
    """One contact channel as a link a phone can follow: call, Zalo, web, email."""
    kind = ContactChannel.Kind
    href = ""
    if contact.kind == kind.PHONE:
        href = contacts.tel_href(contact.value)
    elif contact.kind == kind.ZALO:
        href = contacts.zalo_href(contact.value)
    elif contact.kind == kind.WEBSITE and contact.value.startswith(("https://", "http://")):
        href = contact.value
    elif contact.kind == kind.EMAIL:
        href = f"mailto:{contact.value}"
    return {
        "contact": contact,
        "href": href,
        "external": contact.kind in (kind.ZALO, kind.WEBSITE),
        # A Zalo channel given as its zalo.me address: the link says what it opens, not the address.
        "is_address": contact.kind == kind.ZALO and href == contact.value.strip(),
    }


@register.filter
def phones(provider_contacts: Any) -> list[ContactChannel]:
    """The phone and Zalo channels among a provider's (prefetched) contacts."""
    wanted = (ContactChannel.Kind.PHONE, ContactChannel.Kind.ZALO)
    return [contact for contact in provider_contacts.all() if contact.kind in wanted]
