import pytest
from accounts.factories import TeacherFactory
@pytest.mark.django_db
def test_dbg(client):
    t = TeacherFactory()
    print(client.get(t.profile.get_absolute_url()).content.decode()[:1500])
