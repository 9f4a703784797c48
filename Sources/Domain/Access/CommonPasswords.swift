/// The most common passwords of public breach lists (and a few of this country and this system),
/// lowercased. `PasswordPolicy` also refuses each with digits or symbols added at its end.
enum CommonPasswords {
    static let list: Set<String> = [
        "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111", "1234567", "dragon",
        "123123", "baseball", "abc123", "football", "monkey", "letmein", "696969", "shadow", "master", "666666",
        "qwertyuiop", "123321", "mustang", "1234567890", "michael", "654321", "superman", "1qaz2wsx", "7777777", "121212",
        "000000", "qazwsx", "123qwe", "killer", "trustno1", "jordan", "jennifer", "zxcvbnm", "asdfgh", "hunter",
        "buster", "soccer", "harley", "batman", "andrew", "tigger", "sunshine", "iloveyou", "2000", "charlie",
        "robert", "thomas", "hockey", "ranger", "daniel", "starwars", "klaster", "112233", "george", "computer",
        "michelle", "jessica", "pepper", "1111", "zxcvbn", "555555", "11111111", "131313", "freedom", "777777",
        "pass", "maggie", "159753", "aaaaaa", "ginger", "princess", "joshua", "cheese", "amanda", "summer",
        "love", "ashley", "nicole", "chelsea", "biteme", "matthew", "access", "yankees", "987654321", "dallas",
        "austin", "thunder", "taylor", "matrix", "mobilemail", "mom", "monitor", "monitoring", "montana", "moon",
        "moscow", "welcome", "welcome1", "password1", "password123", "admin", "administrator", "root", "qwerty123", "iloveyou1",
        "abc12345", "passw0rd", "p@ssw0rd", "p@ssword", "secret", "changeme", "default", "guest", "test", "tester",
        "testing", "letmein1", "football1", "baseball1", "samsung", "apple", "google", "facebook", "linkedin", "whatever",
        "hello", "hello123", "123abc", "qwe123", "zaq12wsx", "1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "q1w2e3r4", "q1w2e3r4t5",
        "qazxsw", "almaty", "astana", "kazakhstan", "qazaqstan", "qorgau", "police", "politsiya", "politsiia", "militsiya",
        "parol", "parol123", "privet", "ytrewq", "lovely", "flower", "forever", "angel", "babygirl", "jesus",
        "christ", "family", "friends", "football123", "liverpool", "arsenal", "barcelona", "realmadrid", "manchester", "chocolate",
        "butterfly", "purple", "orange", "banana", "cookie", "pokemon", "naruto", "superstar", "rockstar", "letmeinplease",
        "passwordpassword", "adminadmin", "administrator1", "supervisor", "service", "support", "security", "system", "internet", "qwertyuiop123",
        "asdfghjkl", "zxcvbnm123", "1qazxsw2", "3edc4rfv", "mypassword", "yourpassword", "nopassword",
    ]
}
