"""A hello-world Flask app: the yardstick ``scale_bench.py`` serves on the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hej verden"
