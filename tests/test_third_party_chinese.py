"""The admin speaks one language: strings of the libraries we use that ship without
zh-Hans (django-leaflet's map editor, a few of Django admin's JavaScript strings) come
from our own catalog in locale/zh_Hans."""

from __future__ import annotations

import json
import re

from django.test import RequestFactory
from django.utils import translation
from django.views.i18n import JavaScriptCatalog
from leaflet.templatetags.leaflet_tags import leaflet_draw_i18n


def test_the_map_editor_speaks_chinese():
    with translation.override("zh-hans"):
        strings = leaflet_draw_i18n({"with_forms": True})
    assert strings["draw_toolbar_buttons_marker"] == "放置标记"
    assert strings["edit_toolbar_buttons_edit"] == "编辑图层"
    # Every string of the editor has Chinese (none left in English).
    english = [v for k, v in strings.items() if isinstance(v, str) and re.search("[A-Za-z]{3}", v)
               and "strong" not in v]  # fmt: skip
    assert english == []


def test_the_admin_selector_widget_speaks_chinese():
    with translation.override("zh-hans"):
        response = JavaScriptCatalog.as_view(packages=["django.contrib.admin"])(
            RequestFactory().get("/")
        )
    body = response.content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", body, re.S).group(1))
    assert catalog["Choose all %s"] == "全选%s"
    assert catalog["Remove all %s"] == "全部删除%s"
