from hiring import create_app, freeze_startup_objects

app = create_app()
freeze_startup_objects()
