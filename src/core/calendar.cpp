// placeholder: filled in by the session working on it
