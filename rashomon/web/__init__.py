"""The web app and the HTTP API over a store (`rashomon serve`)."""
