from django.urls import path

from donghanh.livelihood.savings import views as savings

app_name = "livelihood"

G = "groups/<int:group_id>/"
M = G + "members/<int:member_id>/"
C = G + "cycles/<int:cycle_id>/"

urlpatterns = [
    path("groups/", savings.group_list, name="groups"),
    path("groups/new/", savings.group_create, name="group_create"),
    path(G, savings.group_detail, name="group"),
    path(G + "edit/", savings.group_edit, name="group_edit"),
    path(G + "members/new/", savings.member_add, name="member_add"),
    path(M, savings.member_detail, name="member"),
    path(M + "link/", savings.member_link, name="member_link"),
    path(M + "unlink/", savings.member_unlink, name="member_unlink"),
    path(M + "leave/", savings.member_leave, name="member_leave"),
    path(G + "cycles/new/", savings.cycle_open, name="cycle_open"),
    path(C, savings.cycle_detail, name="cycle"),
    path(C + "constitution/", savings.constitution_edit, name="constitution"),
    path(C + "committee/", savings.committee_edit, name="committee"),
    path(C + "meetings/new/", savings.meeting_new, name="meeting_new"),
    path(C + "meetings/<int:meeting_id>/", savings.meeting_detail, name="meeting"),
    path(C + "ledger/", savings.ledger, name="ledger"),
    path(C + "share-out/", savings.share_out, name="share_out"),
]
