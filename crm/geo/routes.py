from flask import render_template

from crm.access import allow
from crm.geo import bp
from crm.geo.forms import AddressLookupForm
from crm.services.geocoding import geocode


@bp.route("/opslag", methods=["GET", "POST"])
@allow("geo.lookup")
def lookup():
    """Geocode an address and show its coordinates and precision."""
    form = AddressLookupForm()
    result = None
    if form.validate_on_submit():
        result = geocode(street=form.street.data, postcode=form.postcode.data, city=form.city.data)
    return render_template("geo/lookup.html", form=form, result=result)
