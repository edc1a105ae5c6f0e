"""The Open311 client's parsers over real cities' responses (no server): python3 tests/open311/client_test.py"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from client import parse_json, parse_xml  # noqa: E402
from shapes import fixture, fixture_json, json_diff, xml_diff  # noqa: E402


class ClientParsers(unittest.TestCase):
    def test_services_xml_san_francisco_and_giessen(self):
        sf = parse_xml("services", fixture("rubygem_open311_services.xml"))
        self.assertGreater(len(sf), 3)
        self.assertEqual(sf[0]["service_code"], "001")
        self.assertIs(sf[0]["metadata"], False)
        self.assertEqual(sf[0]["group"], "Litter Receptacles")
        self.assertIsNone(sf[0]["keywords"])
        gi = parse_xml("services", fixture("open311status_giessen_services.xml"))
        self.assertEqual(gi[3]["keywords"], "graffiti, paintings")
        # the same keys and kinds as the spec's JSON example, once parsed
        spec = parse_json("services", fixture("open311status_service_list_specexample.json"))
        self.assertEqual(json_diff(sf, spec), [])

    def test_definition_with_or_without_the_attributes_wrapper(self):
        d = parse_xml("service_definition", fixture("rubygem_open311_service_definition.xml"))
        self.assertEqual(d["service_code"], "DMV66")
        a = d["attributes"][0]
        self.assertIs(a["variable"], True)
        self.assertEqual(a["order"], 1)
        self.assertEqual(a["values"], [{"key": "123", "name": "Ford"}, {"key": "124", "name": "Chrysler"}])
        wrapped = (b'<?xml version="1.0" encoding="UTF-8"?><service_definition><service_code>X</service_code>'
                   b'<attributes><attribute><code>c</code><order>2</order><values/></attribute></attributes>'
                   b'</service_definition>')
        w = parse_xml("service_definition", wrapped)
        self.assertEqual(w["attributes"], [{"code": "c", "order": 2, "values": []}])

    def test_requests_toronto_and_san_francisco(self):
        t = parse_xml("requests", fixture("open311status_toronto_requests_many.xml"))
        self.assertEqual(len(t), 2)
        self.assertEqual(t[0]["service_request_id"], "101005420892")
        self.assertAlmostEqual(t[0]["lat"], 43.691104288)
        self.assertIsNone(t[0]["updated_datetime"])
        sf = parse_xml("requests", fixture("rubygem_open311_service_requests.xml"))
        self.assertEqual(sf[0]["status"], "closed")
        chicago = fixture_json("open311status_chicago_service_requests.json")
        self.assertEqual(json_diff(sf, chicago, keys="superset"), [])
        self.assertEqual(parse_xml("requests", fixture("rubygem_open311_service_requests_empty.xml")), [])

    def test_post_token_and_errors(self):
        p = parse_xml("requests", fixture("rubygem_open311_post_service_request.xml"))
        self.assertEqual(p[0]["service_request_id"], "293944")
        self.assertIsNone(p[0]["account_id"])
        tk = parse_xml("requests", fixture("rubygem_open311_request_id_from_token.xml"))
        self.assertEqual(tk, [{"service_request_id": "638344", "token": "12345"}])
        e = parse_xml("errors", fixture("rubygem_open311_get_service_request_not_found.xml"))
        self.assertEqual(e[0]["code"], 404)
        self.assertTrue(e[0]["description"].startswith("Service request not found"))

    def test_shape_checks_can_fail(self):
        self.assertNotEqual(xml_diff(fixture("open311status_toronto_requests_many.xml"),
                                     fixture("rubygem_open311_services.xml")), [])
        self.assertEqual(xml_diff(fixture("open311status_toronto_requests_many.xml"),
                                  fixture("rubygem_open311_service_requests.xml")), [])
        self.assertNotEqual(json_diff([{"lat": "1"}], [{"lat": 1.0}]), [])
        self.assertNotEqual(json_diff([{"a": 1}], [{"a": 1, "b": 2}]), [])
        self.assertNotEqual(json_diff([{"a": 1, "b": 2}], [{"a": 1}]), [])
        self.assertEqual(json_diff([{"a": 1, "b": 2}], [{"a": 1}], keys="superset"), [])


if __name__ == "__main__":
    unittest.main()
