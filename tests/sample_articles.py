"""Article texts the tests share, written for them."""

# Four meetings of a foreign minister on the sidelines of a UN session, one an invitation.
UN_SESSION = """NEW YORK — Foreign Minister Bùi Thanh Sơn met four of his counterparts on \
Tuesday on the sidelines of the 80th session of the United Nations General Assembly in New York.

At the meeting with Brazilian Foreign Minister Mauro Vieira, Sơn proposed that the two \
countries widen cooperation in trade and agriculture.

Sơn also held talks with Canadian Foreign Minister Anita Anand. Both sides agreed to study \
direct flights.

The same day, he received Australian Foreign Minister Penny Wong, who said Canberra valued \
its partnership with Việt Nam in energy and climate change.

Sơn later met separately with Egyptian Foreign Minister Badr Abdelatty. Abdelatty invited \
Sơn to visit Cairo next year."""
