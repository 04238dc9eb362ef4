from django.urls import path

from donghanh.livelihood.plans import views as plans
from donghanh.livelihood.safe_addresses import views as safe
from donghanh.livelihood.savings import views as savings

app_name = "livelihood"

G = "groups/<int:group_id>/"
M = G + "members/<int:member_id>/"
C = G + "cycles/<int:cycle_id>/"
P = "cases/<int:case_id>/"

urlpatterns = [
    path("groups/", savings.group_list, name="groups"),
    path("measures/", savings.measures, name="measures"),
    path("groups/new/", savings.group_create, name="group_create"),
    path(G, savings.group_detail, name="group"),
    path(G + "edit/", savings.group_edit, name="group_edit"),
    path(G + "measures/", savings.group_measures, name="group_measures"),
    path(G + "measures.xlsx", savings.group_measures_xlsx, name="group_measures_xlsx"),
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
    path(P + "plan/", plans.plan, name="plan"),
    path(P + "plan/start/", plans.plan_start, name="plan_start"),
    path(P + "plan/support/new/", plans.support_add, name="support_add"),
    path(P + "plan/reviews/new/", plans.review_add, name="review_add"),
    path(P + "assessments/new/", plans.assessment_add, name="assessment_add"),
    path(P + "safe-placements/new/", safe.placement_add, name="placement_add"),
    path("reviews-due/", plans.reviews_due, name="reviews_due"),
    path("safe-addresses/", safe.safe_address_list, name="safe_addresses"),
    path("safe-addresses/new/", safe.safe_address_add, name="safe_address_add"),
    path("safe-addresses/<int:place_id>/", safe.safe_address_detail, name="safe_address"),
    path(
        "safe-addresses/<int:place_id>/checked/",
        safe.safe_address_checked,
        name="safe_address_checked",
    ),
]
