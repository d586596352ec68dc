// A JSON-aware mutator: an input that is not JSON gets libFuzzer's byte-level
// mutations; one that is, mostly structural ones, which parse it, change one
// to four nodes chosen uniformly (a value becomes a boundary number of a
// documented range, a code of the vocabulary or another type; members and
// elements are added, dropped, renamed, reordered, repeated) and write it back.
// Byte-level mutations rarely turn `2` into `52.5` or `1e19`, or a symptom list
// into 65 entries; these do in one step.

import FuzzSupport
import JSONWriter

@testable import InjectionSafety
@testable import InjectionSafetyAPI

enum Interesting {
    /// Both ends of every documented range, just inside and just outside, and
    /// the numbers that break conversions.
    static let numbers: [String] = {
        var texts = [
            "0", "-0", "0.0", "-1", "1", "0.5", "1e2", "1E+2", "100e-2", "64", "65", "38", "37.99", "8", "8.0001",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e19", "-1e19", "1e308",
            "-1e308", "1e309", "4.9e-324", "123456789012345678901234567890",
        ]
        let ranges: [ClosedRange<Double>] = [
            TriageRequestDecoder.hoursRange, TriageRequestDecoder.temperatureRange, TriageRequestDecoder.glucoseRange,
            TriageRequestDecoder.systolicRange,
            Double(
                TriageRequestDecoder.steroidInjectionRange.lowerBound)...Double(
                    TriageRequestDecoder.steroidInjectionRange.upperBound),
        ]
        for range in ranges {
            for value in [range.lowerBound, range.upperBound] {
                texts += [
                    format(value), format(value - 1), format(value + 1), format(value - 0.001), format(value + 0.001),
                    format(value + 0.5), "\(format(value))e0",
                ]
                if value == value.rounded() { texts.append("\(format(value)).0") }
            }
        }
        return texts
    }()

    static let strings: [String] = {
        var values = TriageRequestDecoder.fields + ["code", "severity", "worsening", "new"]
        values += Symptom.allCases.map(\.rawValue) + Condition.allCases.map(\.rawValue)
        values += Medication.allCases.map(\.rawValue) + InjectionType.allCases.map(\.rawValue)
        values += Approach.allCases.map(\.rawValue) + SpinalRegion.allCases.map(\.rawValue)
        values += TriageRequest.Severity.allCases.map(\.rawValue)
        values += [
            "resourceType", "QuestionnaireResponse", "item", "linkId", "answer", "valueCoding", "valueDecimal",
            "valueInteger", "valueBoolean", "valueString", "system", "blood-glucose", "fever", "temperature",
            "steroid-injections", "sedation", "conditions", "condition-",
        ]
        values += Condition.allCases.map { "condition-\($0.rawValue)" }
        values += [
            "", "~", "/", "~1", "~0", "a/b~c", "\u{0}", "\u{1F}", "\"", "\\", "\u{7F}", "é", "e\u{301}",
            "\u{212A}", "\u{FEFF}", "\u{10FFFF}", "injection ", "Injection", "FEVER",
        ]
        return values
    }()

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension JSONValue {
    /// This node and all below it.
    var nodeCount: Int {
        switch self {
        case .array(let elements): 1 + elements.reduce(0) { $0 + $1.nodeCount }
        case .object(let members): 1 + members.reduce(0) { $0 + $1.value.nodeCount }
        default: 1
        }
    }
}

func randomValue(_ rng: inout SplitMix, depth: Int) -> JSONValue {
    switch rng.next() % 10 {
    case 0...3:
        let text = Interesting.numbers.randomElement(using: &rng)!; return .number(Double(text) ?? 0, text: text)
    case 4...6: return .string(Interesting.strings.randomElement(using: &rng)!)
    case 7: return .bool(rng.next() % 2 == 0)
    case 8: return .null
    default:
        guard depth < 3 else { return .array([]) }
        if rng.next() % 2 == 0 { return .array([randomValue(&rng, depth: depth + 1)]) }
        return .object([(Interesting.strings.randomElement(using: &rng)!, randomValue(&rng, depth: depth + 1))])
    }
}

/// Changes the node at `index` in document order (0 is `value` itself), so
/// every node, however deep, is as likely to change.
func mutate(_ value: inout JSONValue, at index: Int, _ rng: inout SplitMix) {
    guard index > 0 else {
        edit(&value, &rng)
        return
    }
    var remaining = index - 1
    switch value {
    case .array(var elements):
        for position in elements.indices {
            let count = elements[position].nodeCount
            if remaining < count {
                mutate(&elements[position], at: remaining, &rng)
                break
            }
            remaining -= count
        }
        value = .array(elements)
    case .object(var members):
        for position in members.indices {
            let count = members[position].value.nodeCount
            if remaining < count {
                mutate(&members[position].value, at: remaining, &rng)
                break
            }
            remaining -= count
        }
        value = .object(members)
    default:
        break
    }
}

/// Edits one node: a container gains, loses, repeats, renames or reorders
/// members or elements; any node may become another value.
func edit(_ value: inout JSONValue, _ rng: inout SplitMix) {
    switch value {
    case .array(var elements) where rng.next() % 2 == 0:
        let index = elements.isEmpty ? 0 : Int(rng.next() % UInt64(elements.count))
        switch rng.next() % 4 {
        case 0 where !elements.isEmpty: elements.remove(at: index)
        case 1 where !elements.isEmpty:
            // Repeat an element: reaches the list limits.
            let count = Int(rng.next() % 70) + 1
            elements.insert(contentsOf: repeatElement(elements[index], count: count), at: index)
        case 2 where !elements.isEmpty: elements.swapAt(index, Int(rng.next() % UInt64(elements.count)))
        default: elements.insert(randomValue(&rng, depth: 0), at: index)
        }
        value = .array(elements)
    case .object(var members) where rng.next() % 2 == 0:
        let index = members.isEmpty ? 0 : Int(rng.next() % UInt64(members.count))
        switch rng.next() % 5 {
        case 0 where !members.isEmpty: members.remove(at: index)
        case 1 where !members.isEmpty: members.insert(members[index], at: index)  // a repeated name
        case 2 where !members.isEmpty: members[index].key = Interesting.strings.randomElement(using: &rng)!
        case 3 where !members.isEmpty: members.swapAt(index, Int(rng.next() % UInt64(members.count)))
        default:
            members.insert((Interesting.strings.randomElement(using: &rng)!, randomValue(&rng, depth: 0)), at: index)
        }
        value = .object(members)
    default:
        value = randomValue(&rng, depth: 0)
    }
}

func write(_ value: JSONValue, into output: inout [UInt8]) {
    switch value {
    case .null: output.append(contentsOf: "null".utf8)
    case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
    case .number(_, let text): output.append(contentsOf: text.utf8)
    case .string(let text): JSONString.append(text, to: &output)
    case .array(let elements):
        output.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            write(element, into: &output)
        }
        output.append(UInt8(ascii: "]"))
    case .object(let members):
        output.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            JSONString.append(member.key, to: &output)
            output.append(UInt8(ascii: ":"))
            write(member.value, into: &output)
        }
        output.append(UInt8(ascii: "}"))
    }
}

@_cdecl("LLVMFuzzerCustomMutator")
public func customMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    var rng = SplitMix(state: UInt64(seed))
    // Most inputs libFuzzer's byte-level mutations make are not JSON; what is
    // JSON mostly changes structurally (it already covers the syntax errors).
    guard rng.next() % 8 != 0, size > 0,
        var value = try? JSONParser.parse(Array(UnsafeBufferPointer(start: data, count: size)))
    else { return libFuzzerMutate(data, size, maxSize) }
    for _ in 0...(rng.next() % 3) { mutate(&value, at: Int(rng.next() % UInt64(value.nodeCount)), &rng) }
    var output: [UInt8] = []
    write(value, into: &output)
    guard output.count <= maxSize else { return libFuzzerMutate(data, size, maxSize) }
    output.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: output.count) }
    return output.count
}
