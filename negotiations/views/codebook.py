"""The codebook page and its downloads (negotiations/codebook.py has the entries)."""

from django.shortcuts import render

from negotiations import codebook
from negotiations.exchange import exports
from negotiations.views.common import read_page


@read_page
def codebook_page(request):
    context = {"stances": codebook.STANCES, "movements": codebook.MOVEMENTS}
    return render(request, "negotiations/codebook.html", context)


@read_page
def codebook_export(request, fmt):
    return exports.download(fmt, "codebook", codebook.COLUMNS, codebook.rows())
