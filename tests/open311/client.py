"""A GeoReport v2 (Open311) client written from the specification alone (http://wiki.open311.org/GeoReport_v2).

Python standard library only: urllib, xml.etree and json. It knows nothing about duban: an endpoint
URL, an optional jurisdiction_id and an api_key are all it takes. Both formats are supported; the
client turns XML and JSON responses into the same Python values, so callers need not care which
one the server sent:

    c = Client("http://127.0.0.1:8080/open311/v2/", jurisdiction_id="example.gov", api_key="...")
    services = c.services()                          # [{service_code, service_name, ...}]
    definition = c.service_definition("001")         # {service_code, attributes: [...]}
    created = c.post_request("001", lat=38.9, long=121.6, description="...")
    c.token(created[0]["token"])                     # [{service_request_id, token}]
    c.request(created[0]["service_request_id"])      # [{service_request_id, status, ...}]
    c.requests(status="open", start_date="2026-06-01T00:00:00+08:00")

Every call returns what the spec says the resource is (a list for services, requests, tokens and
POST responses; an object for a service definition). Errors are raised as Open311Error with the
HTTP status and the spec's error list [(code, description)]. The last raw exchange is kept in
`client.last` (status, content type, body bytes) for callers that inspect the wire format.
"""
import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

FORMATS = ("json", "xml")

# Fields the spec types as something other than text (XML carries everything as text).
BOOLEAN_FIELDS = {"metadata", "variable", "required"}
INTEGER_FIELDS = {"order", "code"}  # "code" only inside errors; see _convert
FLOAT_FIELDS = {"lat", "long"}


class Open311Error(Exception):
    """A non-2xx answer: the HTTP status and the spec's error list [(code, description)]."""

    def __init__(self, status, errors, body):
        self.status = status
        self.errors = errors
        self.body = body
        super().__init__("HTTP %d: %s" % (status, "; ".join("%s %s" % e for e in errors) or body[:200]))


class Exchange:
    def __init__(self, method, url, status, content_type, body):
        self.method, self.url, self.status, self.content_type, self.body = method, url, status, content_type, body


def _local(tag):
    """An element's name without a namespace ({uri}name -> name)."""
    return tag.rsplit("}", 1)[-1]


def _text(el):
    return (el.text or "").strip()


def _scalar(name, text, in_error=False):
    """Spec types for XML text: booleans, integers, floats; empty elements are None."""
    if text == "":
        return None
    if name in BOOLEAN_FIELDS:
        return text.lower() == "true"
    if name == "order" or (name == "code" and in_error):
        try:
            return int(text)
        except ValueError:
            return text
    if name in FLOAT_FIELDS:
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _flat(el, in_error=False):
    """A flat XML element (a service, a request, an error) as a dict of its children."""
    return {_local(c.tag): _scalar(_local(c.tag), _text(c), in_error) for c in el}


def _attribute(el):
    out = {}
    for c in el:
        name = _local(c.tag)
        if name == "values":
            out["values"] = [{_local(k.tag): _text(k) for k in v} for v in c]
        else:
            out[name] = _scalar(name, _text(c))
    return out


def parse_xml(resource, body):
    """An XML response body as the spec's value for that resource.

    resource: "services", "service_definition", "requests" (also POST responses and tokens), "errors".
    """
    root = ET.fromstring(body)
    name = _local(root.tag)
    if name == "errors" or name == "error":
        if name == "error":  # some servers answer a bare <error>text</error>
            return [{"code": None, "description": _text(root)}]
        return [_flat(e, in_error=True) for e in root]
    if resource == "service_definition":
        out = {"service_code": None, "attributes": []}
        for c in root:
            n = _local(c.tag)
            if n == "service_code":
                out["service_code"] = _text(c)
            elif n == "attributes":  # the spec wraps the attributes ...
                out["attributes"].extend(_attribute(a) for a in c)
            elif n == "attribute":  # ... some servers do not
                out["attributes"].append(_attribute(c))
        return out
    return [_flat(item) for item in root]


def parse_json(resource, body):
    value = json.loads(body.decode("utf-8"))
    if resource == "service_definition" and isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def xml_tree(body):
    """The element names of an XML document as nested (name, [children]) tuples (for shape checks)."""
    def walk(el):
        return (_local(el.tag), [walk(c) for c in el])
    return walk(ET.fromstring(body))


class Client:
    def __init__(self, endpoint, jurisdiction_id=None, api_key=None, fmt="json", timeout=30):
        if fmt not in FORMATS:
            raise ValueError("format must be json or xml")
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        self.jurisdiction_id = jurisdiction_id
        self.api_key = api_key
        self.fmt = fmt
        self.timeout = timeout
        self.last = None

    # ------------------------------------------------------------------ transport
    def _url(self, path, fmt, params=None):
        q = dict(params or {})
        if self.jurisdiction_id:
            q.setdefault("jurisdiction_id", self.jurisdiction_id)
        url = self.endpoint + path + "." + fmt
        q = {k: v for k, v in q.items() if v is not None}
        if q:
            url += "?" + urllib.parse.urlencode(q)
        return url

    def _call(self, method, url, resource, fmt, data=None):
        headers = {"Accept": "application/json" if fmt == "json" else "text/xml"}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode("utf-8")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                status, ctype, raw = resp.status, resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as e:
            status, ctype, raw = e.code, e.headers.get("Content-Type", ""), e.read()
        self.last = Exchange(method, url, status, ctype, raw)
        parse = parse_json if fmt == "json" else parse_xml
        if status >= 400:
            try:
                errs = parse("errors", raw)
                errors = [(e.get("code"), e.get("description")) for e in errs]
            except (ValueError, ET.ParseError, AttributeError, TypeError):
                errors = []
            raise Open311Error(status, errors, raw.decode("utf-8", "replace"))
        return parse(resource, raw)

    # ------------------------------------------------------------------ the spec's six methods
    def services(self, fmt=None):
        """GET services: the service list."""
        fmt = fmt or self.fmt
        return self._call("GET", self._url("services", fmt), "services", fmt)

    def service_definition(self, service_code, fmt=None):
        """GET services/{service_code}: the attributes of a service whose metadata is true."""
        fmt = fmt or self.fmt
        path = "services/" + urllib.parse.quote(service_code, safe="")
        return self._call("GET", self._url(path, fmt), "service_definition", fmt)

    def post_request(self, service_code, lat=None, long=None, address_string=None, address_id=None,
                     email=None, device_id=None, account_id=None, first_name=None, last_name=None,
                     phone=None, description=None, media_url=None, attributes=None, fmt=None, api_key=None):
        """POST requests: form-encoded fields; attributes as attribute[code]=value. Returns
        [{service_request_id | token, service_notice, account_id}]."""
        fmt = fmt or self.fmt
        data = [("api_key", api_key if api_key is not None else self.api_key)]
        if self.jurisdiction_id:
            data.append(("jurisdiction_id", self.jurisdiction_id))
        data.append(("service_code", service_code))
        for k, v in [("lat", lat), ("long", long), ("address_string", address_string), ("address_id", address_id),
                     ("email", email), ("device_id", device_id), ("account_id", account_id),
                     ("first_name", first_name), ("last_name", last_name), ("phone", phone),
                     ("description", description), ("media_url", media_url)]:
            if v is not None:
                data.append((k, str(v)))
        for code, value in (attributes or {}).items():
            data.append(("attribute[%s]" % code, value))
        data = [(k, v) for k, v in data if v is not None]
        url = self.endpoint + "requests." + fmt
        return self._call("POST", url, "requests", fmt, data=data)

    def token(self, token, fmt=None):
        """GET tokens/{token}: [{service_request_id, token}]."""
        fmt = fmt or self.fmt
        path = "tokens/" + urllib.parse.quote(str(token), safe="")
        return self._call("GET", self._url(path, fmt), "requests", fmt)

    def requests(self, service_request_id=None, service_code=None, start_date=None, end_date=None,
                 status=None, fmt=None):
        """GET requests with the spec's filters (lists may be given as Python lists)."""
        fmt = fmt or self.fmt
        join = lambda v: ",".join(v) if isinstance(v, (list, tuple)) else v  # noqa: E731
        params = {"service_request_id": join(service_request_id), "service_code": join(service_code),
                  "start_date": start_date, "end_date": end_date, "status": join(status)}
        return self._call("GET", self._url("requests", fmt, params), "requests", fmt)

    def request(self, service_request_id, fmt=None):
        """GET requests/{service_request_id}: a list holding that one request."""
        fmt = fmt or self.fmt
        path = "requests/" + urllib.parse.quote(str(service_request_id), safe="")
        return self._call("GET", self._url(path, fmt), "requests", fmt)
