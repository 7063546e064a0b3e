// Booking pages: enhancements shared by the booking pages (the availability editor has its
// own script, static/js/availability.js).
