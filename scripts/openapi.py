#!/usr/bin/env python3
"""Writes Sources/Web/Resources/openapi.json. Edit this file, run it, commit both.
WebTests checks that every route of the server is in the document and every path in it is a route."""
import json, pathlib

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def words(*w): return {"type": "string", "enum": list(w)}
def arr(items): return {"type": "array", "items": items}
def obj(props, required=()):
    o = {"type": "object", "properties": props}
    if required: o["required"] = list(required)
    return o
def nullable(s): return {"oneOf": [s, {"type": "null"}]}

DT = {"type": "string", "format": "date-time", "description": "RFC 3339 with offset, e.g. 2025-10-20T19:40:00+05:00"}
DATE = {"type": "string", "format": "date"}
PROBLEM = {"description": "Problem (RFC 9457)", "content": {"application/problem+json": {"schema": ref("Problem")}}}
def ok(schema, code="200", desc="OK", media="application/json"):
    return {code: {"description": desc, "content": {media: {"schema": schema}}}}
def errors(*codes):
    # A body that is not JSON at all is 400 wherever a body is read (422 is for fields); a
    # multipart body where none is taken is 415.
    if 422 in codes and 413 in codes: codes = (400,) + codes
    if 413 in codes and 415 not in codes: codes = codes + (415,)
    return {str(c): PROBLEM for c in codes}
def param(name, where="path", schema=None, desc=None):
    p = {"name": name, "in": where, "required": where == "path", "schema": schema or {"type": "string"}}
    if desc: p["description"] = desc
    return p
CASE = param("caseID", schema={"type": "string", "format": "uuid"})
PERSON = param("personID", schema={"type": "string", "format": "uuid"})
ORDER = param("orderID", schema={"type": "string", "format": "uuid"})
INCIDENT = param("incidentID", schema={"type": "string", "format": "uuid"})
EVIDENCE = param("evidenceID", schema={"type": "string", "format": "uuid"})
PAGE = [param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}),
        param("cursor", "query", desc="nextCursor of the previous page")]
def body(schema, media="application/json"):
    return {"required": True, "content": {media: {"schema": schema}}}
LEDGER_FILTERS = [
    {"name": "court", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 300},
     "description": "only the payments imposed by this court's verdicts"},
    {"name": "region", "in": "query", "required": False,
     "schema": {"type": "string", "enum": ["astana", "almaty-city", "shymkent", "abai", "akmola", "aktobe", "almaty", "atyrau",
                                           "east-kazakhstan", "jambyl", "jetisu", "karaganda", "kostanay", "kyzylorda", "mangystau",
                                           "north-kazakhstan", "pavlodar", "turkistan", "ulytau", "west-kazakhstan", "abroad"]},
     "description": "only the cases of the units in this region (see /units)"},
]
def page(item): return obj({"items": arr(item), "nextCursor": nullable({"type": "string"})}, ["items"])

incident_kind = words("contact", "tracking", "threat", "privacyIntrusion", "publicConflict", "propertyDamage", "violence", "other")
channel = words("inPerson", "phoneCall", "sms", "messenger", "socialNetwork", "email", "thirdParty", "gpsTracker", "other")
impact = words("fear", "changedResidence", "changedJob", "soughtProtection", "psychologicalOrMedicalHelp", "lostIncome", "restrictedMovement")
place = obj({"kind": {"type": "string"}, "text": {"type": "string"}, "lat": {"type": "number", "minimum": -90, "maximum": 90},
             "lon": {"type": "number", "minimum": -180, "maximum": 180}, "from": DATE, "until": DATE}, ["kind"])
incident_fields = {
    "occurredAt": DT, "kind": incident_kind, "channel": channel,
    "place": obj({"text": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"}}),
    "description": {"type": "string"}, "againstWill": {"type": "boolean"}, "violence": {"type": "boolean"},
    "reportedBy": words("victim", "officer", "witness", "monitoring"), "impact": arr(impact),
    "witnesses": arr({"type": "string"}),
    "evidence": arr(obj({"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "name": {"type": "string"},
                         "mediaType": {"type": "string"}}, ["sha256", "name", "mediaType"])),
}
incident_required = ["occurredAt", "kind", "channel", "description", "againstWill", "violence", "reportedBy", "impact"]
person_fields = {
    "role": words("victim", "respondent", "witness", "applicant"), "name": {"type": "string"}, "birthDate": DATE,
    "iin": {"type": "string", "pattern": "^[0-9]{12}$", "description": "Kazakhstan IIN; the check digit is verified"},
    "relationshipToVictim": words("spouse", "formerSpouse", "partner", "formerPartner", "relative", "colleague",
                                  "acquaintance", "neighbour", "stranger", "other"),
    "places": arr(ref("Place")),
}
RISK_LEVEL = words("notAssessed", "low", "medium", "high", "extreme")
ROLE = words("victim", "officer", "investigator", "judge", "fundOfficer", "administrator", "auditor", "gateway")
schemas = {
    "Problem": obj({"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "errors": arr(obj({"pointer": {"type": "string"}, "message": {"type": "string"}}, ["pointer", "message"]))},
                   ["type", "title", "status"]),
    "Place": place,
    "Readiness": obj({"status": words("ready", "not ready"), "version": {"type": "string"}, "database": {"type": "string"},
                      "monitoring": {"type": "string"}, "evidence": {"type": "string"}},
                     ["status", "version", "database", "monitoring", "evidence"]),
    "Warning": obj({"pointer": {"type": "string"}, "message": {"type": "string"},
                    "code": {"type": "string", "description": "unverifiedBound: outside a bound the law pack does not hold as verified"},
                    "values": {"type": "object", "description": "figure, bound, value, source",
                               "additionalProperties": {"type": "string"}}}, ["pointer", "message"]),
    "CaseInput": obj({"jurisdiction": words("KZ", "DE", "GB-EAW"), "number": {"type": "string"}, "openedAt": DT,
                      "unit": {"type": "string"}}, ["jurisdiction", "openedAt"]),
    "Case": obj({"id": {"type": "string", "format": "uuid"}, "number": {"type": "string"}, "jurisdiction": {"type": "string"},
                 "openedAt": DT, "unit": {"type": "string"}, "status": words("open", "closed"), "createdAt": DT,
                 "version": {"type": "integer"},
                 "stage": words("incidents", "protected", "administrativeSanction", "preTrial", "inCourt", "decided", "paid", "closed")},
                ["id", "jurisdiction", "openedAt", "status", "createdAt", "version"]),
    "PersonInput": obj({"id": {"type": "string", "description": "case-file reference; assigned when absent"}, **person_fields},
                       ["role", "name"]),
    "Person": obj({"id": {"type": "string", "format": "uuid"}, "caseId": {"type": "string", "format": "uuid"},
                   "ref": {"type": "string"}, "version": {"type": "integer"}, **person_fields},
                  ["id", "caseId", "ref", "version", "role", "name", "places"]),
    "IncidentInput": obj({"id": {"type": "string", "description": "case-file reference; assigned when absent"},
                          **incident_fields}, incident_required),
    "Incident": obj({"id": {"type": "string", "format": "uuid"}, "caseId": {"type": "string", "format": "uuid"},
                     "ref": {"type": "string"}, "version": {"type": "integer"}, "recordedAt": DT, "updatedAt": DT,
                     **incident_fields,
                     "enteredInError": {**obj({"reason": {"type": "string"}, "markedBy": {"type": "string", "description": "the user id"},
                                               "markedAt": DT}, ["reason", "markedBy", "markedAt"]),
                                        "description": "set while the incident is marked as entered in error: it is then no part of "
                                                       "the case file, the assessment, the deadlines or the dossier"}},
                    ["id", "caseId", "ref", "version", "recordedAt", "updatedAt"] + incident_required),
    "IncidentCorrection": obj({"incident": ref("IncidentInput"), "reason": {"type": "string"},
                               "expectedVersion": {"type": "integer", "minimum": 1,
                                                   "description": "refused with 409 when the incident has moved on"}},
                              ["incident", "reason"]),
    "OrderInput": obj({"id": {"type": "string"}, "type": words("protectiveOrder", "specialRequirements", "stalkingProtectionOrder"),
                       "issuedAt": DT, "validUntil": DT, "issuer": {"type": "string"},
                       "conditions": obj({"noContact": {"type": "boolean"}, "minDistanceMeters": {"type": "number"},
                                          "zones": arr(ref("Zone"))},
                                         ["noContact"])},
                      ["type", "issuedAt", "validUntil", "issuer", "conditions"]),
    "Device": obj({"id": {"type": "string"}, "person": {"type": "string"}, "kind": words("bracelet", "phone"),
                   "intervalSeconds": {"type": "integer"}, "lastPingAt": DT, "lastAccuracyMeters": {"type": "number"}},
                  ["id", "person", "kind", "intervalSeconds"]),
    "Zone": {**obj({"kind": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"},
                    "radiusMeters": {"type": "number", "minimum": 1, "maximum": 100000},
                    "polygon": arr(obj({"lat": {"type": "number"}, "lon": {"type": "number"}}, ["lat", "lon"])),
                    "holes": arr(arr(obj({"lat": {"type": "number"}, "lon": {"type": "number"}}, ["lat", "lon"])))}, ["kind"]),
             "description": "A circle (lat, lon, radiusMeters) or a polygon of at least 3 points (with holes, each of at least 3), "
                            "spanning less than 180 degrees of longitude and clear of the poles"},
    "Order": obj({"id": {"type": "string", "format": "uuid"}, "caseId": {"type": "string"}, "ref": {"type": "string"},
                  "version": {"type": "integer"}, "status": words("pending", "active", "expired", "revoked"),
                  "type": {"type": "string"}, "issuedAt": DT, "validUntil": DT, "revokedAt": DT,
                  "issuer": {"type": "string"}, "conditions": {"type": "object"}},
                 ["id", "caseId", "ref", "version", "status", "type", "issuedAt", "validUntil", "issuer", "conditions"]),
    "Record": obj({"ref": {"type": "string"}, "version": {"type": "integer"}, "record": {"type": "object"},
                   "sentenceCheck": {"type": "object"},
                   "warnings": {**arr(ref("Warning")), "description": "kept, but outside an unverified bound of the law pack"}},
                  ["ref", "version", "record"]),
    "CaseCorrection": obj({"number": {"type": "string"}, "unit": {"type": "string"}, "status": words("open", "closed"),
                           "reason": {"type": "string"}, "expectedVersion": {"type": "integer", "minimum": 1}}, ["reason"]),
    "PersonCorrection": obj({"person": ref("PersonInput"), "reason": {"type": "string"},
                             "expectedVersion": {"type": "integer", "minimum": 1}}, ["person", "reason"]),
    "RecordVersion": obj({"version": {"type": "integer"}, "snapshot": {"type": "object"}, "reason": {"type": "string"},
                          "correctedBy": {"type": "string"}, "correctedAt": DT},
                         ["version", "snapshot", "reason", "correctedBy", "correctedAt"]),
    "IncidentVersion": obj({"version": {"type": "integer"}, "reason": {"type": "string"}, "recordedBy": {"type": "string"},
                            "recordedAt": DT, "incident": {"type": "object"}}, ["version", "recordedBy", "recordedAt", "incident"]),
    "CaseFile": {"type": "object", "description": "The case file (see CASEFILE.md)",
                 "required": ["format", "version", "jurisdiction", "case", "persons", "incidents"],
                 "properties": {"format": {"const": "qorgau.case-file"}, "version": {"const": 1},
                                "jurisdiction": {"type": "string"}, "case": {"type": "object"},
                                "persons": arr({"type": "object"}), "incidents": arr({"type": "object"}),
                                "protectiveOrders": arr({"type": "object"}), "administrativeCases": arr({"type": "object"}),
                                "criminalProceedings": arr({"type": "object"}), "verdicts": arr({"type": "object"}),
                                "riskAssessments": arr({"type": "object"}), "devices": arr({"type": "object"})}},
    "Assessment": {"type": "object", "required": ["jurisdiction", "at", "packVersion", "offences", "alsoConsider", "nextSteps"],
                   "properties": {
                       "jurisdiction": {"type": "string"}, "at": DATE, "packVersion": {"type": "string"},
                       "language": words("ru", "kk", "en"),
                       "offences": arr(obj({
                           "offence": {"type": "string"}, "title": {"type": "string"}, "citation": {"type": "string"},
                           "inForce": DATE, "conclusion": words("grounds", "insufficient", "notApplicable"),
                           "elements": arr(obj({"element": {"type": "string"}, "name": {"type": "string"},
                                                "status": words("met", "notMet", "unknown"),
                                                "incidents": arr({"type": "string"}), "note": {"type": "string"}})),
                           "episodes": obj({"counted": arr({"type": "string"}), "beforeInForce": arr({"type": "string"}),
                                            "timeBarred": arr({"type": "string"}), "excluded": arr({"type": "object"}),
                                            "adjudicated": {**arr({"type": "string"}), "description": "judged by a verdict: never counted again"},
                                            "administrativelySanctioned": {**arr({"type": "string"}),
                                                                           "description": "counted, and already sanctioned under the administrative code"},
                                            "beforeVerdict": {**arr({"type": "string"}),
                                                              "description": "before a verdict under the offence but not in it: not counted with what followed"}}),
                           "limitation": obj({"earliestExpiry": DATE, "countedTo": DATE,
                                              "byEpisode": arr(obj({"incident": {"type": "string"}, "expires": DATE}))}),
                           "sanction": obj({"alternatives": arr({"type": "object"})}),
                           "mandatoryPaymentMrp": {"type": "integer"}, "unverified": arr({"type": "string"}),
                           "explanation": {"type": "string"},
                           "wording": {**DATE, "description": "the day the wording applied came into force, when the offence has had several"}})),
                       "alsoConsider": arr(obj({"norm": {"type": "string"}, "title": {"type": "string"},
                                                "incidents": arr({"type": "string"}), "reason": {"type": "string"},
                                                "verified": {"type": "boolean"}})),
                       "nextSteps": arr({"type": "string"}),
                       "steps": arr(obj({"code": {"type": "string"}, "incidents": arr({"type": "string"}), "text": {"type": "string"}})),
                       "disclaimer": {"type": "string"}}},
    "Deadline": obj({"kind": words("orderExpiring", "episodeTimeBar", "paymentOverdue", "riskReassessment"), "caseId": {"type": "string"},
                     "caseNumber": {"type": "string"}, "record": {"type": "string"}, "offence": {"type": "string"},
                     "due": DATE, "daysLeft": {"type": "integer"}, "text": {"type": "string"}},
                    ["kind", "caseId", "record", "due", "daysLeft", "text"]),
    "FundLedger": obj({"at": DATE, "currency": {"type": "string"},
                       "entries": arr(obj({"caseId": {"type": "string"}, "caseNumber": {"type": "string"},
                                           "verdict": {"type": "string"}, "person": {"type": "string"},
                                           "iin": {"type": "string"}, "decidedAt": DATE, "units": {"type": "integer"},
                                           "unit": {"type": "string"}, "amount": {"type": "integer"},
                                           "currency": {"type": "string"}, "dueDate": DATE, "paidAt": DATE,
                                           "status": words("paid", "due", "overdue"),
                                           "unitValueDate": {**DATE, "description": "the day whose unit value converted the amount"},
                                           "court": {"type": "string", "description": "the court whose verdict imposed the payment"},
                                           "document": {"type": "string", "description": "the payment document's number, once paid"},
                                           "unverified": {**arr({"type": "string"}),
                                                          "description": "unverified law figures the amount and the due date rest on"}})),
                       "persons": arr({"type": "object"}), "owed": {"type": "integer"}, "paid": {"type": "integer"},
                       "outstanding": {"type": "integer"}, "overdue": {"type": "integer"},
                       "nextCursor": {"type": "string", "description": "where the next page of entries starts; absent on the last page"}},
                      ["at", "currency", "entries", "persons", "owed", "paid", "outstanding", "overdue"]),
    "ImportResult": obj({"id": {"type": "string", "format": "uuid"}, "number": {"type": "string"},
                         "persons": {"type": "integer"}, "incidents": {"type": "integer"},
                         "warnings": {**arr(ref("Warning")), "description": "records kept, but outside an unverified bound of the law pack"}},
                        ["id", "persons", "incidents"]),
    "User": obj({"id": {"type": "string", "format": "uuid"}, "username": {"type": "string"}, "displayName": {"type": "string"},
                 "role": ROLE, "unit": {"type": "string"}, "mustChangePassword": {"type": "boolean"},
                 "disabled": {"type": "boolean"}, "lockedUntil": DT, "createdAt": DT,
                 "secondFactorSince": {**DT, "description": "since when the user signs in with a second factor (TOTP)"}},
                ["id", "username", "displayName", "role", "mustChangePassword", "disabled", "createdAt"]),
    "NewUser": obj({"user": ref("User"), "oneTimePassword": {"type": "string", "description": "shown once; to be changed at first sign-in"},
                    "tokensRevoked": {"type": "integer", "description": "on a password reset: how many of the user's API tokens it revoked"}},
                   ["user"]),
    "Token": obj({"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}, "scopes": arr(words("read", "write")),
                  "createdAt": DT, "expiresAt": DT, "revokedAt": DT}, ["id", "name", "scopes", "createdAt", "expiresAt"]),
    "Grant": obj({"user": ref("User"), "grantedBy": {"type": "string"}, "grantedAt": DT}, ["user", "grantedBy", "grantedAt"]),
    "AuditEvent": obj({"seq": {"type": "integer", "description": "place in the hash chain, from 1"},
                       "id": {"type": "string", "format": "uuid"}, "at": DT, "actor": {"type": "string"},
                       "action": {"type": "string"}, "entity": {"type": "string", "description": "the table of the row changed"},
                       "entityId": {"type": "string"}, "caseId": {"type": "string", "format": "uuid"},
                       "recordHash": {"type": "string", "description": "SHA-256 of the row's canonical JSON after the change"},
                       "target": {"type": "string"}, "detail": {"type": "string"},
                       "prev": {"type": "string", "description": "the hash of the record before"},
                       "hash": {"type": "string", "description": "SHA-256 of this record's canonical JSON (README)"}},
                      ["seq", "id", "at", "actor", "action", "prev", "hash"]),
    "Evidence": obj({"id": {"type": "string", "format": "uuid"}, "caseId": {"type": "string", "format": "uuid"},
                     "incidentId": {"type": "string", "format": "uuid"}, "sha256": {"type": "string"},
                     "name": {"type": "string"}, "mediaType": {"type": "string"}, "size": {"type": "integer"},
                     "addedBy": {"type": "string"}, "addedAt": DT},
                    ["id", "caseId", "incidentId", "sha256", "name", "mediaType", "size", "addedBy", "addedAt"]),
    "CustodyEvent": obj({"seq": {"type": "integer"}, "at": DT, "actor": {"type": "string"},
                         "action": {"type": "string", "description": "evidence.added, evidence.viewed, evidence.downloaded, evidence.exported"},
                         "detail": {"type": "string"}}, ["seq", "at", "actor", "action"]),
    "RiskAssessment": obj({"id": {"type": "string"}, "instrument": {"type": "string"}, "assessedAt": DT, "assessor": {"type": "string"},
                           "answers": {"type": "object", "additionalProperties": {"type": "boolean"}},
                           "computedLevel": RISK_LEVEL, "level": RISK_LEVEL, "reason": {"type": "string"}},
                          ["id", "instrument", "assessedAt", "assessor", "answers", "computedLevel", "level"]),
    "RiskStatus": obj({
        "instrument": {"type": "string"}, "at": DT, "level": RISK_LEVEL, "computedLevel": RISK_LEVEL,
        "assessment": {"type": "string"}, "assessedAt": DT, "assessor": {"type": "string"},
        "version": {"type": "integer", "description": "assessments so far: the expectedVersion of the next one"},
        "applies": {"type": "boolean"}, "due": DT, "dueNow": {"type": "boolean"},
        "reasons": arr(obj({"code": words("notAssessed", "interval", "threatOrViolence", "orderViolation", "monitoringAlert", "respondentRelease"),
                            "at": DT, "record": {"type": "string"}, "text": {"type": "string"}}, ["code", "at", "text"])),
        "measures": arr({"type": "string"}),
        "history": arr(obj({"assessment": {"type": "string"}, "at": DT, "level": RISK_LEVEL}, ["assessment", "at", "level"])),
        "prefill": arr(obj({"question": {"type": "string"}, "text": {"type": "string"}, "answer": {"type": "boolean"},
                            "sources": arr({"type": "string"})}, ["question", "text", "sources"])),
        "unverified": arr({"type": "string"})},
        ["instrument", "at", "level", "version", "applies", "dueNow", "reasons", "measures", "history", "prefill", "unverified"]),
    "Alert": obj({"id": {"type": "string", "format": "uuid"}, "caseId": {"type": "string", "format": "uuid"},
                  "kind": words("zone", "proximity", "silent", "tamper", "lowBattery", "panic"), "order": {"type": "string"},
                  "zone": {"type": "integer"}, "device": {"type": "string"}, "at": DT, "distanceMeters": {"type": "integer"},
                  "accuracyMeters": {"type": "integer"}, "incident": {"type": "string", "description": "the incident a breach was recorded as"},
                  "lat": {"type": "number", "description": "where the victim was when she pressed the panic button, if her phone shared it"},
                  "lon": {"type": "number"},
                  "raisedAt": DT, "acknowledgedAt": DT, "acknowledgedBy": {"type": "string"}, "escalatedAt": DT},
                 ["id", "caseId", "kind", "device", "at", "raisedAt"]),
    "AlertEvent": obj({"id": {"type": "string", "format": "uuid", "description": "time-ordered; the alert stream's event id"},
                       "kind": words("raised", "escalated", "acknowledged", "handedOver"),
                       "step": {"type": "integer", "description": "0 raised, 1 the supervisor, 2 the unit head and the duty centre"},
                       "actor": {"type": "string"}, "to": {"type": "string", "format": "uuid"}, "note": {"type": "string"}, "at": DT},
                      ["id", "kind", "step", "actor", "at"]),
    "Delivery": obj({"id": {"type": "string", "format": "uuid", "description": "also the Idempotency-Key sent with it"},
                     "event": {"type": "string", "format": "uuid"}, "channel": words("sms", "voice", "email", "push", "webhook"),
                     "recipient": {"type": "string", "description": "a user id, or duty-centre"},
                     "audience": words("officer", "victim", "dutyCentre"), "state": words("queued", "sent", "delivered", "failed"),
                     "attempts": {"type": "integer"}, "error": {"type": "string"}, "queuedAt": DT, "sentAt": DT, "deliveredAt": DT},
                    ["id", "event", "channel", "recipient", "audience", "state", "attempts", "queuedAt"]),
    "Contact": obj({"language": words("ru", "kk", "en"), "phone": {"type": "string", "pattern": "^\\+[0-9]{8,15}$"},
                    "email": {"type": "string", "format": "email"}, "channels": arr(words("sms", "voice", "email", "push"))},
                   ["language", "channels"]),
    "PushSubscription": obj({"endpoint": {"type": "string", "format": "uri", "maxLength": 1024,
                                          "description": "the push service's address for this browser (one of QORGAU_PUSH_SERVICES)"},
                             "keys": obj({"p256dh": {"type": "string", "description": "the browser's P-256 public key, base64url"},
                                          "auth": {"type": "string", "description": "16 bytes, base64url"}}, ["p256dh", "auth"]),
                             "label": {"type": "string", "maxLength": 60, "description": "what the user calls the device"}},
                            ["endpoint", "keys"]),
    "PushDevice": obj({"id": {"type": "string", "format": "uuid"}, "label": {"type": "string"},
                       "service": {"type": "string", "description": "the push service's host; the endpoint is never shown"},
                       "createdAt": {"type": "string", "format": "date-time"}}, ["id", "service", "createdAt"]),
    "Roster": obj({"unit": {"type": "string"}, "duties": arr(obj({
        "duty": words("onCall", "supervisor", "head"), "user": {"type": "string", "format": "uuid"},
        "from": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "local time of the case's jurisdiction"},
        "to": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}}, ["duty", "user"]))}, ["duties"]),
}
CF = "application/vnd.qorgau.case-file+json"
# MediaSniffer.accepted: what evidence may be, and so what its content is served as.
EVIDENCE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "application/pdf", "video/mp4",
                  "video/quicktime", "video/webm", "audio/mp4", "audio/mpeg", "audio/ogg", "audio/wav", "audio/amr", "text/plain"]
USER = param("userID", schema={"type": "string", "format": "uuid"})
PUBLIC = {"health", "healthLive", "healthReady", "openapi", "dossierKey", "createToken", "changePassword"}
paths = {
    "/health": {"get": {"operationId": "health", "summary": "200 when the database answers",
                        "responses": {**ok(obj({"status": {"type": "string"}, "database": {"type": "string"}})),
                                      "503": {"description": "database unreachable"}}}},
    "/health/live": {"get": {"operationId": "healthLive", "summary": "200 while the process serves requests",
                             "responses": ok(obj({"status": {"type": "string"}, "version": {"type": "string"}}))}},
    "/health/ready": {"get": {"operationId": "healthReady",
                              "summary": "200 when the database answers, the monitoring engines are built and the evidence folder is writable",
                              "responses": {**ok(ref("Readiness")), "503": {"description": "not ready (the body says what is not)",
                                                                          "content": {"application/json": {"schema": ref("Readiness")}}}}}},
    "/api/v1/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                     "responses": ok({"type": "object"})}},
    "/api/v1/dossier-key": {"get": {"operationId": "dossierKey",
                                    "summary": "The Ed25519 public key every dossier's manifest is signed with, to check a dossier against "
                                               "(qorgau verify-dossier FILE --public-key KEY)",
                                    "responses": ok(obj({"algorithm": words("Ed25519"),
                                                         "publicKey": {"type": "string", "description": "32 bytes, base64"}},
                                                        ["algorithm", "publicKey"]))}},
    "/api/v1/auth/tokens": {
        "post": {"operationId": "createToken", "summary": "Sign in with a username and password and get a bearer token (shown once)",
                 "description": "Five failed attempts in a row from one address shut that address out of the account for 15 minutes; "
                                "50 from all addresses together lock the account. Each address may try 10 passwords a minute "
                                "(429 beyond). A one-time password must be changed first. A user with a second factor sends its "
                                "current code (or a recovery code) as `code`; one whose role requires a second factor (QORGAU_MFA_ROLES) "
                                "sets it up in the browser first (403).",
                 "requestBody": body(obj({"username": {"type": "string"}, "password": {"type": "string"}, "name": {"type": "string"},
                                          "code": {"type": "string", "description": "the second factor's six-digit code, or a recovery code"},
                                          "scopes": arr(words("read", "write")),
                                          "expiresInDays": {"type": "integer", "minimum": 1, "maximum": 365, "default": 90}},
                                         ["username", "password", "name"])),
                 "responses": {**ok(obj({"token": {"type": "string"}, "details": ref("Token")}, ["token", "details"]), "201", "Created"),
                               **errors(401, 403, 413, 422, 429, 503)}},
        "get": {"operationId": "listTokens", "summary": "My tokens", "responses": ok(page(ref("Token")))}},
    "/api/v1/auth/tokens/{tokenID}": {"delete": {
        "operationId": "revokeToken", "summary": "Revoke one of my tokens",
        "parameters": [param("tokenID", schema={"type": "string", "format": "uuid"})],
        "responses": {**ok(ref("Token")), **errors(404)}}},
    "/api/v1/auth/password": {"post": {
        "operationId": "changePassword", "summary": "Change a password (a one-time password must be changed before anything else)",
        "requestBody": body(obj({"username": {"type": "string"}, "currentPassword": {"type": "string"},
                                 "newPassword": {"type": "string", "minLength": 12}}, ["username", "currentPassword", "newPassword"])),
        "responses": {"204": {"description": "Changed; every session of the user ends and every API token of the user is revoked"}, **errors(401, 413, 422, 429)}}},
    "/api/v1/auth/me": {"get": {"operationId": "me", "summary": "Who I am", "responses": ok(ref("User"))}},
    "/api/v1/users": {
        "get": {"operationId": "listUsers", "summary": "Users (administrators)", "responses": ok(page(ref("User")))},
        "post": {"operationId": "addUser", "summary": "Add a user; without a password the answer carries a one-time password",
                 "requestBody": body(obj({"username": {"type": "string", "pattern": "^[a-z0-9._-]{3,64}$"},
                                          "displayName": {"type": "string"}, "role": ROLE, "unit": {"type": "string"},
                                          "password": {"type": "string", "minLength": 12}}, ["username", "displayName", "role"])),
                 "responses": {**ok(ref("NewUser"), "201", "Created"), **errors(413, 422)}}},
    "/api/v1/users/{userID}": {
        "get": {"operationId": "getUser", "parameters": [USER], "responses": {**ok(ref("User")), **errors(404)}},
        "patch": {"operationId": "changeUser", "summary": "Change the name, role or unit, or disable (sessions end, tokens revoked); no role is changed into or out of victim (422 victimRoleKept)",
                  "parameters": [USER],
                  "requestBody": body(obj({"displayName": {"type": "string"}, "role": ROLE, "unit": nullable({"type": "string"}),
                                           "disabled": {"type": "boolean"}})),
                  "responses": {**ok(ref("User")), **errors(404, 413, 422)}}},
    "/api/v1/users/{userID}/password-reset": {"post": {
        "operationId": "resetPassword", "summary": "A new one-time password for the user", "parameters": [USER],
        "responses": {**ok(ref("NewUser")), **errors(404)}}},
    "/api/v1/users/{userID}/second-factor": {"delete": {
        "operationId": "resetSecondFactor", "summary": "Take away the user's second factor (a lost phone and recovery codes); their sessions end",
        "parameters": [USER], "responses": {**ok(ref("User")), **errors(404)}}},
    "/api/v1/audit": {"get": {
        "operationId": "auditEvents", "summary": "Security events, newest first (auditors)",
        "parameters": [param("action", "query", desc="only this action, e.g. account.locked")] + PAGE,
        "responses": {**ok(page(ref("AuditEvent"))), **errors(422)}}},
    "/api/v1/cases/{caseID}/access": {
        "get": {"operationId": "listCaseAccess", "summary": "The victims, investigators and judges granted this case",
                "parameters": [CASE], "responses": {**ok(page(ref("Grant"))), **errors(404)}},
        "post": {"operationId": "grantCaseAccess", "parameters": [CASE],
                 "requestBody": body(obj({"username": {"type": "string"}}, ["username"])),
                 "responses": {**ok(ref("Grant"), "201", "Created"), **errors(404, 413, 422)}}},
    "/api/v1/cases/{caseID}/access/{userID}": {"delete": {
        "operationId": "withdrawCaseAccess", "parameters": [CASE, USER],
        "responses": {"204": {"description": "Withdrawn"}, **errors(404)}}},
    "/api/v1/risk/instruments": {"get": {
        "operationId": "riskInstruments", "summary": "The risk instruments and their questions",
        "parameters": [param("lang", "query", words("ru", "kk", "en"))],
        "responses": {**ok(page(obj({"id": {"type": "string"}, "title": {"type": "string"}, "source": {"type": "string"},
                                     "questions": arr(obj({"id": {"type": "string"}, "text": {"type": "string"},
                                                           "prefilled": {"type": "boolean"}}))}))), **errors(422)}}},
    "/api/v1/cases/{caseID}/risk": {"get": {
        "operationId": "caseRisk", "summary": "The level, when the next assessment is due and why, the measures, the history, suggested answers",
        "parameters": [CASE, param("at", "query", desc="a date (its end in the case's time zone) or a date-time; now by default"),
                       param("instrument", "query"), param("lang", "query", words("ru", "kk", "en"))],
        "responses": {**ok(ref("RiskStatus")), **errors(404, 422)}}},
    "/api/v1/cases/{caseID}/risk-assessments": {
        "get": {"operationId": "listRiskAssessments", "parameters": [CASE], "responses": {**ok(page(ref("RiskAssessment"))), **errors(404)}},
        "post": {"operationId": "assessRisk", "summary": "Save an assessment; the level may be raised with a reason, never lowered",
                 "description": "expectedVersion is the version of GET …/risk the officer worked from; if another assessment was saved since, 409 with it as `current`.",
                 "parameters": [CASE],
                 "requestBody": body(obj({"instrument": {"type": "string", "default": "S-DASH"},
                                          "answers": {"type": "object", "additionalProperties": {"type": "boolean"}},
                                          "level": RISK_LEVEL, "reason": {"type": "string"},
                                          "expectedVersion": {"type": "integer", "minimum": 0}}, ["answers", "expectedVersion"])),
                 "responses": {**ok(ref("RiskAssessment"), "201", "Created"), **errors(404, 409, 413, 422)}}},
    "/api/v1/monitoring/pings": {"post": {
        "operationId": "ingestPings", "summary": "A batch of pings from a monitoring gateway; each taken or refused with its reason",
        "requestBody": body(obj({"pings": arr(obj({"device": {"type": "string"}, "at": DT,
                                                   "lat": {"type": "number", "minimum": -90, "maximum": 90},
                                                   "lon": {"type": "number", "minimum": -180, "maximum": 180},
                                                   "accuracy": {"type": "number", "minimum": 0},
                                                   "event": words("strapTamper", "lowBattery")}, ["device", "at"]), )}, ["pings"])),
        "description": "A gateway learns whether each ping was taken, nothing of what it meant: no alert count, and an unknown "
                       "device and a ping not after its device's last one are refused alike.",
        "responses": {**ok(obj({"accepted": {"type": "integer"},
                                "refused": arr(obj({"index": {"type": "integer"}, "device": {"type": "string"},
                                                    "reason": {"type": "string"}}, ["index", "reason"]))},
                               ["accepted", "refused"])), **errors(413, 422)}}},
    "/api/v1/monitoring/pings/socket": {"get": {
        "operationId": "pingSocket",
        "summary": "WebSocket (send the upgrade with the gateway's bearer token): each text message is a batch as for POST "
                   "/api/v1/monitoring/pings and is answered in order by a text message with the same answer, or "
                   "{status, detail} for a message that is not a batch",
        "responses": {"101": {"description": "Switching Protocols: the WebSocket is open"}, **errors()}}},
    "/api/v1/monitoring/alerts/stream": {"get": {
        "operationId": "alertStream",
        "summary": "Server-sent events: `event: alert`, `escalation`, `acknowledged` or `handover`, data the alert, for the cases in scope",
        "description": "Each event has an id; a reconnection with Last-Event-ID first gets the events it missed, in order.",
        "parameters": [param("Last-Event-ID", "header", {"type": "string", "format": "uuid"}, "the last event received")],
        "responses": ok({"type": "string"}, media="text/event-stream")}},
    "/api/v1/monitoring/alerts": {"get": {
        "operationId": "listScopeAlerts", "summary": "Alerts of every case in scope, newest first",
        "parameters": [param("open", "query", {"type": "boolean"}, "only those not acknowledged (default true)")] + PAGE,
        "responses": {**ok(page(ref("Alert"))), **errors(422)}}},
    "/api/v1/cases/{caseID}/alerts/{alertID}/handover": {"post": {
        "operationId": "handOverAlert", "summary": "Hand an open alert to an officer or investigator who may see the case",
        "parameters": [CASE, param("alertID", schema={"type": "string", "format": "uuid"})],
        "requestBody": body(obj({"to": {"type": "string", "format": "uuid"}, "note": {"type": "string", "maxLength": 2000}}, ["to"])),
        "responses": {**ok(ref("Alert")), **errors(404, 409, 422)}}},
    "/api/v1/cases/{caseID}/alerts/{alertID}/escalation": {"post": {
        "operationId": "escalateAlert", "summary": "Escalate an open alert to the next step of its chain now",
        "parameters": [CASE, param("alertID", schema={"type": "string", "format": "uuid"})],
        "requestBody": {"required": False, "content": {"application/json": {"schema": obj({"note": {"type": "string", "maxLength": 2000}})}}},
        "responses": {**ok(ref("Alert")), **errors(404, 409)}}},
    "/api/v1/cases/{caseID}/alerts/{alertID}/deliveries": {"get": {
        "operationId": "alertDeliveries", "summary": "An alert's events and who was sent what, with each delivery's state (no addresses)",
        "parameters": [CASE, param("alertID", schema={"type": "string", "format": "uuid"})],
        "responses": {**ok(obj({"alert": ref("Alert"), "events": arr(ref("AlertEvent")), "deliveries": arr(ref("Delivery"))},
                               ["alert", "events", "deliveries"])), **errors(404)}}},
    "/api/v1/me/contact": {
        "get": {"operationId": "getContact", "summary": "How the signed-in user is told of alerts", "responses": ok(ref("Contact"))},
        "put": {"operationId": "putContact", "summary": "Set them: a channel needs its address (sms and voice a phone, email an address)",
                "requestBody": body(ref("Contact")), "responses": {**ok(ref("Contact")), **errors(422)}}},
    "/api/v1/deliveries/{deliveryID}/receipt": {"post": {
        "operationId": "deliveryReceipt", "summary": "A gateway's delivery receipt for an SMS or a call it was handed (gateway tokens)",
        "description": "{deliveryID} is the {id} of the gateway's template. delivered marks the message delivered to the phone; "
                       "undelivered marks it failed with the reason. A delivery already delivered or failed is left as it is.",
        "parameters": [param("deliveryID", schema={"type": "string", "format": "uuid"})],
        "requestBody": body(obj({"status": words("delivered", "undelivered"), "reason": {"type": "string", "maxLength": 200}}, ["status"])),
        "responses": {**ok(obj({"id": {"type": "string", "format": "uuid"}, "state": words("queued", "sent", "delivered", "failed")},
                               ["id", "state"])), **errors(404, 422)}}},
    "/api/v1/push/key": {"get": {
        "operationId": "pushKey", "summary": "The server's Web Push (VAPID) public key, the applicationServerKey browsers subscribe with",
        "description": "404 when this server does not send push messages (QORGAU_PUSH_SUBJECT unset).",
        "responses": {**ok(obj({"publicKey": {"type": "string", "description": "P-256, uncompressed, base64url"}}, ["publicKey"])),
                      **errors(404)}}},
    "/api/v1/me/push-subscriptions": {
        "get": {"operationId": "listPushDevices", "summary": "The signed-in user's subscribed browsers and phones",
                "responses": ok(arr(ref("PushDevice")))},
        "post": {"operationId": "subscribePush",
                 "summary": "Subscribe this browser (the body is PushSubscription.toJSON()); opts the user in to the push channel",
                 "description": "The same endpoint again replaces its keys; at most 10 devices a user (409).",
                 "requestBody": body(ref("PushSubscription")),
                 "responses": {**ok(ref("PushDevice"), "201", "Created"), **errors(404, 409, 422)}}},
    "/api/v1/me/push-subscriptions/{subscriptionID}": {"delete": {
        "operationId": "unsubscribePush", "summary": "Forget one of the user's devices (idempotent: one she does not have is left as it is)",
        "parameters": [param("subscriptionID", schema={"type": "string", "format": "uuid"})],
        "responses": {"204": {"description": "Forgotten"}, **errors(400)}}},
    "/api/v1/units/{unit}/roster": {
        "get": {"operationId": "getRoster", "summary": "A unit's duty roster (administrators)",
                "parameters": [param("unit")], "responses": ok(ref("Roster"))},
        "put": {"operationId": "putRoster", "summary": "Replace a unit's duty roster; each user an active officer of the unit",
                "parameters": [param("unit")], "requestBody": body(ref("Roster")), "responses": {**ok(ref("Roster")), **errors(422)}}},
    "/api/v1/cases/{caseID}/alerts": {"get": {
        "operationId": "listAlerts", "parameters": [CASE, param("open", "query", {"type": "boolean"}, "only those not acknowledged")],
        "description": "open must be true or false (422 otherwise).",
        "responses": {**ok(page(ref("Alert"))), **errors(404, 422)}}},
    "/api/v1/cases/{caseID}/alerts/{alertID}/acknowledgement": {"post": {
        "operationId": "acknowledgeAlert", "parameters": [CASE, param("alertID", schema={"type": "string", "format": "uuid"})],
        "summary": "Acknowledge an alert (ends its escalation), optionally with what was done",
        "requestBody": {"required": False, "content": {"application/json": {"schema": obj({"note": {"type": "string", "maxLength": 2000}})}}},
        "responses": {**ok(ref("Alert")), **errors(404)}}},
    "/api/v1/case-files": {"post": {"operationId": "importCaseFile", "summary": "Import a whole case; all or nothing",
                                    "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CaseFile")},
                                                                                  CF: {"schema": ref("CaseFile")}}},
                                    "responses": {**ok(ref("ImportResult"), "201", "Created"), **errors(413, 422)}}},
    "/api/v1/deadlines": {"get": {
        "operationId": "deadlines", "summary": "Orders expiring, episodes nearing the limitation date, payments overdue",
        "description": "By due day, a page at a time. Today's list is read from the worklist projection; another day's is computed from the case files.",
        "parameters": [param("at", "query", DATE, "the date to look from; today by default"),
                       param("unit", "query", desc="only the cases of this unit")] + PAGE,
        "responses": {**ok(page(ref("Deadline"))), **errors(422)}}},
    "/api/v1/fund/ledger": {"get": {
        "operationId": "fundLedger", "summary": "What each convicted person owes the Victims Compensation Fund, in KZT",
        "description": "Entries in the order of the decisions, a page at a time; the totals are the whole ledger's, "
                       "the persons' totals those of the persons on the page.",
        "parameters": [param("at", "query", DATE, "the date of the ledger; today by default"),
                       param("from", "query", DATE, "only decisions from this day on"),
                       param("status", "query", words("paid", "due", "overdue"), "only the entries of this status on that day")]
                      + LEDGER_FILTERS + PAGE,
        "responses": {**ok(ref("FundLedger")), **errors(422)}}},
    "/api/v1/fund/ledger.csv": {"get": {
        "operationId": "fundLedgerCSV", "summary": "The ledger of a day as CSV (RFC 4180, UTF-8), streamed: whole, or what the filters select",
        "parameters": [param("at", "query", DATE, "the date of the ledger; today by default"),
                       param("from", "query", DATE, "only decisions from this day on"),
                       param("status", "query", words("paid", "due", "overdue"), "only the entries of this status on that day")]
                      + LEDGER_FILTERS,
        "responses": {**ok({"type": "string"}, media="text/csv"), **errors(422)}}},
    "/api/v1/respondents/{iin}": {"get": {
        "operationId": "respondent", "summary": "One respondent across cases: orders, violations, victims, proceedings",
        "parameters": [param("iin")], "responses": {**ok({"type": "object"}), **errors(404, 422)}}},
    "/api/v1/cases/{caseID}/deadlines": {"get": {
        "operationId": "caseDeadlines", "parameters": [CASE, param("at", "query", DATE)],
        "responses": {**ok(page(ref("Deadline"))), **errors(404, 422)}}},
    "/api/v1/cases": {
        "get": {"operationId": "listCases", "summary": "Cases, newest first",
                "parameters": [param("status", "query", words("open", "closed")),
                               param("jurisdiction", "query"),
                               param("openedFrom", "query", desc="date or date-time: opened at or after"),
                               param("openedBefore", "query", desc="date or date-time: opened before")] + PAGE,
                "responses": {**ok(page(ref("Case"))), **errors(422)}},
        "post": {"operationId": "createCase", "requestBody": body(ref("CaseInput")),
                 "responses": {**ok(ref("Case"), "201", "Created"), **errors(413, 422)}}},
    "/api/v1/cases/{caseID}": {
        "get": {"operationId": "getCase", "parameters": [CASE], "responses": {**ok(ref("Case")), **errors(404)}},
        "patch": {"operationId": "correctCase", "summary": "Correct number, unit or status; the old header is kept",
                  "parameters": [CASE], "requestBody": body(ref("CaseCorrection")),
                  "responses": {**ok(ref("Case")), **errors(404, 409, 413, 422)}}},
    "/api/v1/cases/{caseID}/history": {"get": {
        "operationId": "caseHistory", "summary": "Superseded versions of the case header, oldest first",
        "parameters": [CASE], "responses": {**ok(page(ref("RecordVersion"))), **errors(404)}}},
    "/api/v1/cases/{caseID}/persons/{personID}/corrections": {"post": {
        "operationId": "correctPerson", "summary": "Correct a person (details and places): a new version with a reason",
        "parameters": [CASE, PERSON], "requestBody": body(ref("PersonCorrection")),
        "responses": {**ok(ref("Person")), **errors(404, 409, 413, 422)}}},
    "/api/v1/cases/{caseID}/persons/{personID}/history": {"get": {
        "operationId": "personHistory", "summary": "Superseded versions of the person, oldest first",
        "parameters": [CASE, PERSON], "responses": {**ok(page(ref("RecordVersion"))), **errors(404)}}},
    "/api/v1/cases/{caseID}/case-file": {"get": {"operationId": "exportCaseFile", "parameters": [CASE],
                                                 "responses": {**ok(ref("CaseFile"), media=CF), **errors(404)}}},
    "/api/v1/cases/{caseID}/assessment": {"get": {
        "operationId": "assessCase", "summary": "The legal assessment of the case at a date (CASEFILE.md, The assessment)",
        "parameters": [CASE, param("at", "query", DATE, "the date to assess at; today in the jurisdiction by default"),
                       param("lang", "query", words("ru", "kk", "en"), "language of the explanation; Accept-Language by default")],
        "responses": {**ok(ref("Assessment")), **errors(404, 422)}}},
    "/api/v1/cases/{caseID}/orders": {
        "get": {"operationId": "listOrders", "summary": "The case's orders (to a victim, each zone by its kind and days, without where it lies)",
                "parameters": [CASE], "responses": {**ok(page(ref("Order"))), **errors(404)}},
        "post": {"operationId": "issueOrder", "summary": "Record a protective order or special requirements",
                 "parameters": [CASE], "requestBody": body(ref("OrderInput")),
                 "responses": {**ok(ref("Order"), "201", "Created"), **errors(404, 413, 422)}}},
    "/api/v1/cases/{caseID}/orders/{orderID}": {"get": {
        "operationId": "getOrder", "summary": "One order (to a victim, each zone by its kind and days, without where it lies)",
        "parameters": [CASE, ORDER], "responses": {**ok(ref("Order")), **errors(404)}}},
    "/api/v1/cases/{caseID}/orders/{orderID}/extensions": {"post": {
        "operationId": "extendOrder", "parameters": [CASE, ORDER],
        "requestBody": body(obj({"validUntil": DT, "reason": {"type": "string"}}, ["validUntil", "reason"])),
        "responses": {**ok(ref("Order")), **errors(404, 409, 422)}}},
    "/api/v1/cases/{caseID}/orders/{orderID}/revocation": {"post": {
        "operationId": "revokeOrder", "parameters": [CASE, ORDER],
        "requestBody": body(obj({"at": DT, "reason": {"type": "string"}}, ["reason"])),
        "responses": {**ok(ref("Order")), **errors(404, 409, 422)}}},
    "/api/v1/cases/{caseID}/orders/{orderID}/zones": {"put": {
        "operationId": "setOrderZones", "summary": "Replace an order's zones (a new version with its reason; enforced at once)",
        "parameters": [CASE, ORDER],
        "requestBody": body(obj({"zones": arr(ref("Zone")), "reason": {"type": "string"}}, ["zones", "reason"])),
        "responses": {**ok(ref("Order")), **errors(404, 409, 413, 422)}}},
    "/api/v1/cases/{caseID}/devices": {
        "get": {"operationId": "listDevices", "summary": "The case's monitoring devices with their last report", "parameters": [CASE],
                "responses": {**ok(page(ref("Device"))), **errors(404)}},
        "post": {"operationId": "registerDevice",
                 "summary": "Register a bracelet or phone to the case's respondent or victim (an id worn in another open case is refused: deviceTaken)",
                 "parameters": [CASE], "requestBody": body(obj({"id": {"type": "string"}, "person": {"type": "string"},
                                                                  "kind": words("bracelet", "phone"),
                                                                  "intervalSeconds": {"type": "integer", "minimum": 1, "maximum": 86400}},
                                                                 ["id", "person", "kind", "intervalSeconds"])),
                 "responses": {**ok(ref("Device"), "201", "Registered"), **errors(404, 409, 413, 422)}}},
    "/api/v1/cases/{caseID}/devices/{deviceID}/replacement": {"post": {
        "operationId": "replaceDevice", "summary": "The same person, kind and interval on a new device; the old one taken off with the reason",
        "parameters": [CASE, param("deviceID")], "requestBody": body(obj({"id": {"type": "string"}, "reason": {"type": "string"}}, ["id", "reason"])),
        "responses": {**ok(ref("Device")), **errors(404, 409, 413, 422)}}},
    "/api/v1/cases/{caseID}/devices/{deviceID}/removal": {"post": {
        "operationId": "removeDevice", "summary": "Take a device off the case (returned, lost, broken), with the reason",
        "parameters": [CASE, param("deviceID")], "requestBody": body(obj({"reason": {"type": "string"}}, ["reason"])),
        "responses": {"204": {"description": "Taken off"}, **errors(404, 409, 413, 422)}}},
    "/api/v1/cases/{caseID}/orders/{orderID}/history": {"get": {
        "operationId": "orderHistory", "parameters": [CASE, ORDER],
        "responses": {**ok(page(ref("RecordVersion"))), **errors(404)}}},
    "/api/v1/cases/{caseID}/violations": {"get": {
        "operationId": "listViolations", "summary": "Incidents inside an order's term that broke one of its conditions (to a victim, no zone breaches)",
        "parameters": [CASE],
        "responses": {**ok(page(obj({"incident": {"type": "string"}, "order": {"type": "string"},
                                     "condition": {"type": "string"}}))), **errors(404)}}},
    "/api/v1/cases/{caseID}/administrative-cases": {
        "get": {"operationId": "listAdministrativeCases", "parameters": [CASE], "responses": {**ok(page(ref("Record"))), **errors(404)}},
        "post": {"operationId": "recordAdministrativeCase", "summary": "An administrative case for violations; sanction within the pack's bounds",
                 "parameters": [CASE], "requestBody": body({"type": "object", "description": "administrativeCases item of the case file; id optional"}),
                 "responses": {**ok(ref("Record"), "201", "Created"), **errors(404, 413, 422)}}},
    "/api/v1/cases/{caseID}/proceedings": {
        "get": {"operationId": "listProceedings", "parameters": [CASE], "responses": {**ok(page(ref("Record"))), **errors(404)}},
        "post": {"operationId": "registerProceeding", "summary": "Register a criminal proceeding; number checked against the pack",
                 "parameters": [CASE], "requestBody": body({"type": "object", "description": "criminalProceedings item of the case file; id optional, stage preTrial by default"}),
                 "responses": {**ok(ref("Record"), "201", "Created"), **errors(404, 413, 422)}}},
    "/api/v1/cases/{caseID}/proceedings/{ref}/transitions": {"post": {
        "operationId": "moveProceeding", "summary": "Move to another stage; 409 with the reason when not allowed",
        "parameters": [CASE, param("ref")],
        "requestBody": body(obj({"to": words("preTrial", "inCourt", "decided", "closed"), "reason": {"type": "string"}}, ["to", "reason"])),
        "responses": {**ok(ref("Record")), **errors(404, 409, 422)}}},
    "/api/v1/cases/{caseID}/verdicts": {
        "get": {"operationId": "listVerdicts", "parameters": [CASE], "responses": {**ok(page(ref("Record"))), **errors(404)}},
        "post": {"operationId": "recordVerdict", "summary": "Record a verdict; the punishment is checked against the sanction",
                 "parameters": [CASE], "requestBody": body({"type": "object", "description": "verdicts item of the case file; id optional"}),
                 "responses": {**ok(ref("Record"), "201", "Created"), **errors(404, 409, 413, 422)}}},
    "/api/v1/cases/{caseID}/verdicts/{ref}/payment": {"post": {
        "operationId": "recordPayment", "summary": "The mandatory payment was received",
        "parameters": [CASE, param("ref")], "requestBody": body(obj({"paidAt": DT}, ["paidAt"])),
        "responses": {**ok(ref("Record")), **errors(404, 409, 422)}}},
    "/api/v1/fund/payments": {"post": {
        "operationId": "recordFundPayment",
        "summary": "The Fund officer records that a ledger's mandatory payment was received (date and payment document)",
        "requestBody": body(obj({"case": {"type": "string", "format": "uuid"}, "verdict": {"type": "string"}, "paidAt": DT,
                                 "document": {"type": "string", "maxLength": 100}}, ["case", "verdict", "paidAt", "document"])),
        "responses": {**ok(obj({"caseId": {"type": "string"}, "verdict": {"type": "string"}, "paidAt": DT, "document": {"type": "string"}})),
                      **errors(404, 409, 422)}}},
    "/api/v1/cases/{caseID}/verdicts/{ref}/entry-into-force": {"post": {
        "operationId": "recordEntryIntoForce",
        "summary": "The day the verdict entered into force: its episodes' limitation stops then (recorded once)",
        "parameters": [CASE, param("ref")], "requestBody": body(obj({"enteredIntoForce": DATE}, ["enteredIntoForce"])),
        "responses": {**ok(ref("Record")), **errors(404, 409, 422)}}},
    "/api/v1/cases/{caseID}/persons": {
        "get": {"operationId": "listPersons", "parameters": [CASE], "responses": {**ok(page(ref("Person"))), **errors(404)}},
        "post": {"operationId": "addPerson", "parameters": [CASE], "requestBody": body(ref("PersonInput")),
                 "responses": {**ok(ref("Person"), "201", "Created"), **errors(404, 413, 422)}}},
    "/api/v1/cases/{caseID}/persons/{personID}": {
        "get": {"operationId": "getPerson", "parameters": [CASE, PERSON], "responses": {**ok(ref("Person")), **errors(404)}}},
    "/api/v1/cases/{caseID}/incidents": {
        "get": {"operationId": "listIncidents", "summary": "Incidents in time order (to a victim, not another victim's entries, and those she did not log without coordinates)",
                "parameters": [CASE, param("kind", "query", incident_kind),
                               param("from", "query", desc="date or date-time: occurred at or after"),
                               param("before", "query", desc="date or date-time: occurred before")] + PAGE,
                "responses": {**ok(page(ref("Incident"))), **errors(404, 422)}},
        "post": {"operationId": "logIncident", "parameters": [CASE], "requestBody": body(ref("IncidentInput")),
                 "responses": {**ok(ref("Incident"), "201", "Created"), **errors(404, 413, 422)}}},
    "/api/v1/cases/{caseID}/incidents/{incidentID}": {
        "get": {"operationId": "getIncident", "parameters": [CASE, INCIDENT], "responses": {**ok(ref("Incident")), **errors(404)}}},
    "/api/v1/cases/{caseID}/incidents/{incidentID}/corrections": {
        "post": {"operationId": "correctIncident", "summary": "Correct an incident: a new version with a reason",
                 "parameters": [CASE, INCIDENT], "requestBody": body(ref("IncidentCorrection")),
                 "responses": {**ok(ref("Incident")), **errors(404, 409, 413, 422)}}},
    "/api/v1/cases/{caseID}/incidents/{incidentID}/entered-in-error": {
        "post": {"operationId": "markIncidentEnteredInError",
                 "summary": "Mark an incident as entered in error, with the reason (kept with its versions, left out of the case file)",
                 "description": "Refused (422, code incidentInRecord, values.record) while an administrative case or a criminal "
                                "proceeding names the incident; 409 when it is already marked.",
                 "parameters": [CASE, INCIDENT], "requestBody": body(obj({"reason": {"type": "string", "maxLength": 2000}}, ["reason"])),
                 "responses": {**ok(ref("Incident")), **errors(404, 409, 413, 422)}},
        "delete": {"operationId": "unmarkIncidentEnteredInError", "summary": "Take the mark back: the incident counts again",
                   "parameters": [CASE, INCIDENT], "responses": {**ok(ref("Incident")), **errors(404, 409)}}},
    "/api/v1/cases/{caseID}/incidents/{incidentID}/history": {
        "get": {"operationId": "incidentHistory", "summary": "Every version, oldest first", "parameters": [CASE, INCIDENT],
                "responses": {**ok(page(ref("IncidentVersion"))), **errors(404)}}},
    "/api/v1/cases/{caseID}/incidents/{incidentID}/evidence": {
        "post": {"operationId": "uploadEvidence",
                 "summary": "Attach a file to an incident (multipart/form-data, part `file`; streamed, sealed, stored once per content)",
                 "description": "Accepted types are judged by content: " + ", ".join(EVIDENCE_TYPES) + ". A browser's form, "
                                "signed in with a session, sends its CSRF token in a part named csrf before the file "
                                "(or in X-CSRF-Token); with a bearer token none is needed.",
                 "parameters": [CASE, INCIDENT],
                 "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj(
                     {"file": {"type": "string", "format": "binary"}}, ["file"])}}},
                 "responses": {**ok(ref("Evidence"), "201", "Stored"), **ok(ref("Evidence"), "200", "This incident already has this file"),
                               **errors(404, 413, 415, 422)}}},
    "/api/v1/cases/{caseID}/dossier": {
        "get": {"operationId": "caseDossier",
                "summary": "The printable court dossier (HTML): episodes with the assessment, orders and violations, sanctions, evidence hashes, chain head",
                "parameters": [CASE, param("lang", "query", words("ru", "kk", "en"))],
                "responses": {**ok({"type": "string"}, media="text/html"), **errors(404, 422)}}},
    "/api/v1/cases/{caseID}/evidence": {
        "get": {"operationId": "listEvidence", "summary": "The case's evidence files with their hashes", "parameters": [CASE],
                "responses": {**ok(arr(ref("Evidence"))), **errors(404)}}},
    "/api/v1/cases/{caseID}/evidence/{evidenceID}": {
        "get": {"operationId": "getEvidence", "summary": "One evidence item (recorded in its custody as viewed)",
                "parameters": [CASE, EVIDENCE], "responses": {**ok(ref("Evidence")), **errors(404)}}},
    "/api/v1/cases/{caseID}/evidence/{evidenceID}/content": {
        "get": {"operationId": "downloadEvidence",
                "summary": "The file, streamed, with its SHA-256 in X-Content-SHA256 and Repr-Digest (recorded as downloaded)",
                "parameters": [CASE, EVIDENCE],
                "responses": {"200": {"description": "The file, in the media type judged from its first bytes at upload",
                                      "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in EVIDENCE_TYPES}},
                              **errors(404)}}},
    "/api/v1/cases/{caseID}/evidence/{evidenceID}/custody": {
        "get": {"operationId": "evidenceCustody", "summary": "Chain of custody: who added, viewed, downloaded or exported the item",
                "parameters": [CASE, EVIDENCE], "responses": {**ok(arr(ref("CustodyEvent"))), **errors(404)}}},
}
# Every operation but the public ones needs a principal: 401 without one, 403 when the role may not.
for operations in paths.values():
    for operation in operations.values():
        if "requestBody" in operation:
            # a body that cannot be read is 400, one too large 413, one of a type the route does not take 415
            for code in (400, 413, 415):
                operation["responses"].setdefault(str(code), PROBLEM)
        if operation["operationId"] in PUBLIC:
            operation["security"] = []
        else:
            operation["responses"].setdefault("401", PROBLEM)
            operation["responses"].setdefault("403", PROBLEM)
doc = {"openapi": "3.1.0",
       "info": {"title": "Qorgau API", "version": "1",
                "description": "Case management and protection for stalking cases. Errors are application/problem+json."},
       "security": [{"bearer": []}],
       "paths": paths,
       "components": {"schemas": schemas,
                      "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                     "description": "A token from POST /api/v1/auth/tokens or `qorgau user token`"}}}}
out = pathlib.Path(__file__).resolve().parent.parent / "Sources/Web/Resources/openapi.json"
out.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
print(f"wrote {out}")
