import CCurl
import CXML2
func _probe() { _ = curl_version(); xmlInitParser() }
