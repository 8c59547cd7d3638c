import CNcursesw
// The Terminal module.
func _probe() { _ = vns_a_bold(); _ = setlocale(LC_ALL, "") }
