from django.urls import path

from minzheng.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.registry_index, name="index"),
    path("households/new/", views.household_create, name="household_create"),
    path("import/", views.registry_import_page, name="import"),
    path("import/confirm/", views.registry_import_confirm, name="import_confirm"),
    path("import/errors.xlsx", views.registry_import_errors, name="import_errors"),
    path("import/template.xlsx", views.registry_import_template, name="import_template"),
    path("export.xlsx", views.registry_export_view, name="export"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("households/<int:pk>/head/", views.household_head, name="household_head"),
    path("households/<int:pk>/split/", views.household_split, name="household_split"),
    path("households/<int:pk>/merge/", views.household_merge, name="household_merge"),
    path("households/<int:pk>/incomes/new/", views.income_add, name="income_add"),
    path("households/<int:pk>/assets/new/", views.asset_add, name="asset_add"),
    path("households/<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/move/", views.member_move, name="member_move"),
    path("members/<int:pk>/death/", views.member_death, name="member_death"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:pk>/reveal-id/", views.member_reveal_id, name="member_reveal_id"),
    path("incomes/<int:pk>/delete/", views.income_delete, name="income_delete"),
    path("assets/<int:pk>/delete/", views.asset_delete, name="asset_delete"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
]
