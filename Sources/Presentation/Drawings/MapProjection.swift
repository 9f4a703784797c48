import Domain
import Foundation

/// Web Mercator, as tile servers draw (EPSG:3857), fitted to what a map shows: the zoom is the
/// largest whole level at which every point (with its margin in metres) fits the frame, so that
/// a deployment's own tiles (`QORGAU_TILES_URL`) lie under the drawing pixel for pixel.
package struct MapProjection {
    package let width: Double
    package let height: Double
    package let zoom: Int
    /// The world's pixel coordinates of the frame's top-left corner at `zoom`.
    package let left: Double
    package let top: Double

    /// Fits `points`, each with a margin in metres around it (a zone's radius, a position's accuracy).
    package init(fitting points: [(GeoPoint, Double)], width: Double = 760, height: Double = 480) {
        self.width = width; self.height = height
        let shown = points.isEmpty ? [(GeoPoint(lat: 43.238, lon: 76.945), 1000.0)] : points
        func world(_ p: GeoPoint) -> (x: Double, y: Double) { Self.world(p, zoom: 0) }
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for (point, margin) in shown {
            let (x, y) = world(point)
            let m = max(margin, 60) / Self.metresPerPixel(latitude: point.lat, zoom: 0)
            minX = min(minX, x - m); maxX = max(maxX, x + m); minY = min(minY, y - m); maxY = max(maxY, y + m)
        }
        let spanX = max(maxX - minX, 1e-9), spanY = max(maxY - minY, 1e-9)
        let fit = min(log2(width * 0.9 / spanX), log2(height * 0.9 / spanY))
        zoom = max(1, min(19, Int(fit.rounded(.down))))
        let scale = pow(2, Double(zoom))
        left = (minX + maxX) / 2 * scale - width / 2
        top = (minY + maxY) / 2 * scale - height / 2
    }

    /// A point on the map's frame.
    package func point(_ p: GeoPoint) -> (x: Double, y: Double) {
        let (x, y) = Self.world(p, zoom: zoom)
        return (x - left, y - top)
    }

    /// A length on the ground, at a latitude, in the frame's pixels.
    package func pixels(metres: Double, latitude: Double) -> Double { metres / Self.metresPerPixel(latitude: latitude, zoom: zoom) }

    /// Metres a pixel spans on the ground at the frame's middle.
    package var metresPerPixelAtCentre: Double {
        let y = (top + height / 2) / (256 * pow(2, Double(zoom)))
        let latitude = atan(sinh(.pi * (1 - 2 * y))) * 180 / .pi
        return Self.metresPerPixel(latitude: latitude, zoom: zoom)
    }

    /// The tiles under the frame, each placed by its top-left corner.
    package func tiles(template: String) -> [(href: String, x: Double, y: Double)] {
        let count = 1 << zoom
        let firstX = Int((left / 256).rounded(.down)), lastX = Int(((left + width) / 256).rounded(.down))
        let firstY = max(0, Int((top / 256).rounded(.down))), lastY = min(count - 1, Int(((top + height) / 256).rounded(.down)))
        guard firstY <= lastY else { return [] }
        var tiles: [(String, Double, Double)] = []
        for ty in firstY...lastY {
            for tx in firstX...lastX {
                let wrapped = ((tx % count) + count) % count
                let href = template.replacingOccurrences(of: "{z}", with: String(zoom))
                    .replacingOccurrences(of: "{x}", with: String(wrapped)).replacingOccurrences(of: "{y}", with: String(ty))
                tiles.append((href, Double(tx) * 256 - left, Double(ty) * 256 - top))
            }
        }
        return tiles
    }

    package static func world(_ p: GeoPoint, zoom: Int) -> (x: Double, y: Double) {
        let size = 256 * pow(2, Double(zoom))
        let lat = max(-85.05112878, min(85.05112878, p.lat)) * .pi / 180
        return ((p.lon + 180) / 360 * size, (1 - log(tan(lat) + 1 / cos(lat)) / .pi) / 2 * size)
    }

    package static func metresPerPixel(latitude: Double, zoom: Int) -> Double {
        2 * .pi * Geo.earthRadiusMeters * cos(latitude * .pi / 180) / (256 * pow(2, Double(zoom)))
    }
}
