"""信用台州 web: the public portal and the admin console (server-rendered Jinja2 with htmx).

Pages call the same services as the API; visibility is decided by the services, never in templates.
"""
