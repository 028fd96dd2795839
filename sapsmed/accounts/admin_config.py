"""The admin app, configured to use the site that asks the policy module."""

from django.contrib.admin.apps import AdminConfig


class SapsmedAdminConfig(AdminConfig):
    default_site = "sapsmed.accounts.admin_site.SapsmedAdminSite"
