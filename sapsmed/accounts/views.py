"""Account pages: the user's API token (shown, regenerated on request)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from rest_framework.authtoken.models import Token


@login_required
def api_token(request):
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        messages.success(request, "A new API token was made; the old one no longer works.")
        return redirect("api_token")
    token, _ = Token.objects.get_or_create(user=request.user)
    return render(request, "accounts/api_token.html", {"token": token})
