"""The exporters' portal shell: sign-in, layout and the dashboard. Apps add their own pages."""
