"""The referral journey's section forms, one module per part of the journey, in order: start.py (who
refers, age, local authority, consent), exploitation.py (the account of the exploitation) and
person.py (personal details, decision delivery, the referrer). referrals/sections.py lists them."""
