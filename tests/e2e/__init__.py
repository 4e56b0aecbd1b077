"""End-to-end tests of the app in a real browser, and helpers shared with the AppTest tests."""
