from hiring import create_app

app = create_app()
