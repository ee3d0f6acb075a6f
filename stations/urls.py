from django.urls import path

from stations import views

app_name = "stations"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
]
