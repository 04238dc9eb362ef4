from typing import Any

import pytest

from donghanh.audit.models import AuditEntry
from donghanh.audit.tests.rows import row
from donghanh.testing import factories

UserFactory: Any = factories.UserFactory
OrganisationFactory: Any = factories.OrganisationFactory


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_audit_history():
    user = UserFactory(username="former.worker")
    organisation = OrganisationFactory()
    row(user=user, organisation=organisation)
    user_id = user.pk

    user.delete()
    organisation.delete()

    entry = AuditEntry.objects.get()
    assert entry.actor_id == user_id
    assert entry.actor_username == "former.worker"
    assert entry.organisation_id is not None
