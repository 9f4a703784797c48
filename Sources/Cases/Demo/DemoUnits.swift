import Fluent
import Foundation
import Store

/// The demo's units, named in the three languages and placed in their regions, entered before
/// the demo's cases and users so that their pages name them in the reader's language.
enum DemoUnits {
    static let units: [UnitStore.Unit] = [
        unit("Almaty, Bostandyk district police", "УП Бостандыкского района г. Алматы", "Алматы қ. Бостандық ауданының ПБ", "almaty-city"),
        unit("Almaty, Almaly district police", "УП Алмалинского района г. Алматы", "Алматы қ. Алмалы ауданының ПБ", "almaty-city"),
        unit("Almaty, Medeu district police", "УП Медеуского района г. Алматы", "Алматы қ. Медеу ауданының ПБ", "almaty-city"),
        unit("Almaty police department", "Департамент полиции г. Алматы", "Алматы қ. Полиция департаменті", "almaty-city"),
        unit("Astana, Yesil district police", "УП района Есиль г. Астаны", "Астана қ. Есіл ауданының ПБ", "astana"),
        unit("Karaganda, city police department", "УП г. Караганды", "Қарағанды қ. ПБ", "karaganda"),
        unit("Pavlodar, city police department", "УП г. Павлодара", "Павлодар қ. ПБ", "pavlodar"),
        unit("Shymkent, Al-Farabi district police", "УП района Аль-Фараби г. Шымкента", "Шымкент қ. Әл-Фараби ауданының ПБ", "shymkent"),
        unit("Al-Farabi district court of Shymkent", "Районный суд района Аль-Фараби г. Шымкента", "Шымкент қ. Әл-Фараби аудандық соты", "shymkent"),
        unit("Polizei Berlin, Direktion 2", "Полиция Берлина, дирекция 2", "Берлин полициясы, 2-дирекция", "abroad", english: "Berlin Police, Directorate 2"),
    ]

    private static func unit(_ code: String, _ ru: String, _ kk: String, _ region: String, english: String? = nil) -> UnitStore.Unit {
        UnitStore.Unit(code: code, names: ["ru": ru, "kk": kk, "en": english ?? code], region: region)
    }

    /// Enters the units not there yet; a unit already listed (perhaps renamed since) is left as it is.
    static func load(into db: any Database) async throws {
        let store = UnitStore(db: db)
        for unit in units where try await !store.exists(unit.code) {
            try await store.add(unit, now: Int64(Date().timeIntervalSince1970 * 1000))
        }
    }
}
