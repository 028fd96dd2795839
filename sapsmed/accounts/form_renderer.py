"""The one form renderer: `{{ form }}` draws every form of the platform with the same fields template."""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Django's renderer with the platform's fields template (accounts/templates/forms/fields.html): a grid that
    is one column on a phone, each field with its label, help text and errors in words."""

    form_template_name = "forms/fields.html"
