// Copy the fonts, images and scripts the pages use from the npm packages into static_build/,
// which Django's collectstatic serves (with whitenoise) under /static/.
import { cpSync, mkdirSync } from 'node:fs'

const copies = [
  ['node_modules/govuk-frontend/dist/govuk/assets', 'static_build/assets'],
  ['node_modules/@ministryofjustice/frontend/moj/assets', 'static_build/assets'],
  ['node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js', 'static_build/js/govuk-frontend.min.js'],
  ['node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js', 'static_build/js/moj-frontend.min.js'],
  ['assets/init.js', 'static_build/js/init.js']
]
mkdirSync('static_build/js', { recursive: true })
for (const [from, to] of copies) {
  cpSync(from, to, { recursive: true })
}
