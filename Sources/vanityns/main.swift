print("vanityns")
