import pytest
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_debug(phone, demo_stations):
    page = phone.open("/", permissions=[])
    page.wait_for_timeout(300)
    w = "() => [document.documentElement.scrollWidth, document.querySelector('#map').getBoundingClientRect().width]"
    print("start", page.evaluate(w))
    for css in [".chips{display:none}", ".finder{grid-template-columns:minmax(0,1fr)}"]:
        page.reload(); page.wait_for_timeout(300)
        page.add_style_tag(content=css)
        print(css, page.evaluate(w))
    page.reload(); page.wait_for_timeout(300)
    print(page.evaluate("""() => Array.from(document.querySelectorAll('.controls *')).map(e => [e.tagName + '.' + e.className + '#' + e.id, Math.round(e.getBoundingClientRect().width)]).filter(x => x[1] > 300)"""))
