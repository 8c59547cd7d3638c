"""The Route 53 API's wire format, as the stand-in reads and writes it: the 2013-04-01 XML namespace, the error body
every operation answers with, and the unwrapping of values moto writes as {'Value': '...'}.

Route 53 behaviour: the REST/XML protocol of the Route 53 API (Amazon Route 53 API Reference, "Making API requests"
and "Common errors"; ChangeResourceRecordSets for the InvalidChangeBatch body).
"""
import re, uuid
from xml.sax.saxutils import escape
import xml.etree.ElementTree as ET

NS = "https://route53.amazonaws.com/doc/2013-04-01/"
ET.register_namespace("", NS)
q = rb"(?:'|&#x27;|&#39;|&apos;)"
wrapped = re.compile(rb"\{" + q + rb"Value" + q + rb": " + q + rb"(.*?)" + q + rb"\}")
API = "/2013-04-01"


def tag(name):
    return "{%s}%s" % (NS, name)


def bare(i):
    return (i or "").rsplit("/", 1)[-1]


def error_xml(code, message, kind="Sender"):
    return ('<?xml version="1.0"?>\n<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message>'
            '</Error><RequestId>%s</RequestId></ErrorResponse>' % (NS, kind, code, message, uuid.uuid4())).encode()


def invalid_change_batch(messages):
    items = "".join("<Message>%s</Message>" % escape(m) for m in messages)
    return ('<?xml version="1.0"?>\n<InvalidChangeBatch xmlns="%s"><Messages>%s</Messages><RequestId>%s</RequestId>'
            '</InvalidChangeBatch>' % (NS, items, uuid.uuid4())).encode()


def xml_doc(root):
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


def leaf(parent, name, text):
    ET.SubElement(parent, tag(name)).text = str(text)
