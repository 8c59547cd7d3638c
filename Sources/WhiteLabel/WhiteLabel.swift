import CIDN2
// The WhiteLabel module.
func _probe() { _ = idn2_check_version(nil) }
