/// The journal's form of a station's state: written on every change, so it uses the
/// fast JSON writer rather than Foundation's encoder. Debounce times are not kept.
extension StationState {
    public var json: JSONValue {
        var m: [(String, JSONValue)] = [("station", .string(station)), ("operatorId", .optional(operatorId))]
        if let open {
            let verified = open.verified.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int(Int64($0.value))) }
            m.append(
                ("open", .object([
                    "orderId": .string(open.key.orderId), "parcelId": .string(open.key.parcelId),
                    "waybill": .string(open.waybill), "verified": .object(.init(uniqueKeysWithValues: verified)),
                ])))
        }
        if let e = pendingError {
            m.append(("pendingError", ["kind": .string(e.kind.rawValue), "code": .string(e.code), "message": .string(e.message)]))
        }
        if let l = lastLabel {
            m.append(("lastLabel", ["orderId": .string(l.orderId), "parcelId": .string(l.parcelId)]))
        }
        return .object(.init(uniqueKeysWithValues: m))
    }

    public struct DecodingError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(json: JSONValue) throws(DecodingError) {
        func string(_ v: JSONValue?, _ what: String) throws(DecodingError) -> String {
            guard let s = v?.stringValue else { throw DecodingError(description: "\(what) is missing") }
            return s
        }
        self.init(station: try string(json["station"], "station"))
        operatorId = json["operatorId"]?.stringValue
        if let open = json["open"], open != .null {
            var verified: [String: Int] = [:]
            if case .object(let counts)? = open["verified"] {
                for (sku, n) in counts {
                    guard case .int(let v) = n else { throw DecodingError(description: "open.verified.\(sku) is not a count") }
                    verified[sku] = Int(v)
                }
            }
            self.open = OpenParcel(
                key: ParcelKey(orderId: try string(open["orderId"], "open.orderId"), parcelId: try string(open["parcelId"], "open.parcelId")),
                waybill: try string(open["waybill"], "open.waybill"), verified: verified)
        }
        if let e = json["pendingError"], e != .null {
            guard let kind = OutcomeKind(rawValue: try string(e["kind"], "pendingError.kind")) else {
                throw DecodingError(description: "pendingError.kind is not an outcome")
            }
            pendingError = PendingError(kind: kind, code: try string(e["code"], "pendingError.code"), message: e["message"]?.stringValue ?? "")
        }
        if let l = json["lastLabel"], l != .null {
            lastLabel = ParcelKey(orderId: try string(l["orderId"], "lastLabel.orderId"), parcelId: try string(l["parcelId"], "lastLabel.parcelId"))
        }
    }
}
